// SLA maths: deadlines per severity (calendar and business time) and the
// state of an incident's clock, table-driven.

#include <string>

#include <gtest/gtest.h>

#include "base/time_format.h"
#include "core/sla.h"
#include "services/tz_database.h"

namespace aw::core {
namespace {

int64_t Utc(const std::string& iso) { return ParseIso8601(iso).value_or(0) / 1'000'000; }
std::string Iso(int64_t s) { return FormatIso8601Seconds(s); }

TEST(SlaTest, DefaultTargets) {
  SlaPolicy p = DefaultSlaPolicy();
  struct Case {
    Severity s;
    int response, resolution;
  } cases[] = {{Severity::kCritical, 30, 240}, {Severity::kHigh, 120, 480},
               {Severity::kMedium, 480, 1440}, {Severity::kLow, 1440, 2880}};
  for (const auto& c : cases) {
    EXPECT_EQ(p.For(c.s).response_minutes, c.response) << SeverityName(c.s);
    EXPECT_EQ(p.For(c.s).resolution_minutes, c.resolution) << SeverityName(c.s);
  }
  EXPECT_EQ(p.warning_percent, 80);
  EXPECT_FALSE(p.business_hours);
}

TEST(SlaTest, DeadlinesInCalendarAndBusinessTime) {
  SlaPolicy p = DefaultSlaPolicy();
  const int64_t friday = Utc("2026-11-27T16:30:00Z");
  SlaDeadlines d = ComputeDeadlines(p, nullptr, Severity::kHigh, friday);
  EXPECT_EQ(Iso(d.response_due_s), "2026-11-27T18:30:00Z");
  EXPECT_EQ(Iso(d.resolution_due_s), "2026-11-28T00:30:00Z");
  p.business_hours = true;
  const TimeZone* berlin = services::FindTimeZone("Europe/Berlin");
  ASSERT_NE(berlin, nullptr);
  // Friday 17:30 Berlin (16:30Z), after hours: high = 2 business hours -> Monday 11:00 Berlin
  // (10:00Z); 8 business hours -> all of Monday, 17:00 Berlin (16:00Z).
  d = ComputeDeadlines(p, berlin, Severity::kHigh, friday);
  EXPECT_EQ(Iso(d.response_due_s), "2026-11-30T10:00:00Z");
  EXPECT_EQ(Iso(d.resolution_due_s), "2026-11-30T16:00:00Z");
  // Warnings at 80 %: 96 business minutes -> Monday 10:36 Berlin; 384 -> 15:24 Berlin.
  EXPECT_EQ(Iso(d.response_warning_s), "2026-11-30T09:36:00Z");
  EXPECT_EQ(Iso(d.resolution_warning_s), "2026-11-30T14:24:00Z");
}

TEST(SlaTest, WarningStartsAtAShareOfEachTarget) {
  // Issue 16: a 30-minute warning made a fresh critical incident (30-minute
  // target) read response_warning at once. Each severity is on track in its
  // first minute, and in warning once 80 % of its target has elapsed.
  const int64_t t0 = Utc("2026-11-25T10:00:00Z");
  for (Severity s : {Severity::kCritical, Severity::kHigh, Severity::kMedium, Severity::kLow}) {
    SlaPolicy p = DefaultSlaPolicy();
    const int64_t response_s = int64_t{p.For(s).response_minutes} * 60;
    SlaDeadlines d = ComputeDeadlines(p, nullptr, s, t0);
    EXPECT_EQ(d.response_warning_s, t0 + response_s * 80 / 100) << SeverityName(s);
    EXPECT_EQ(d.resolution_warning_s, t0 + int64_t{p.For(s).resolution_minutes} * 60 * 80 / 100) << SeverityName(s);
    SlaClock c;
    c.response_due_s = d.response_due_s;
    c.resolution_due_s = d.resolution_due_s;
    c.response_warning_s = d.response_warning_s;
    c.resolution_warning_s = d.resolution_warning_s;
    for (int64_t sec : {0, 30, 59}) {
      EXPECT_EQ(EvaluateSla(c, t0 + sec).state, SlaState::kOnTrack) << SeverityName(s) << " +" << sec << "s";
    }
    EXPECT_EQ(EvaluateSla(c, d.response_warning_s - 1).state, SlaState::kOnTrack) << SeverityName(s);
    EXPECT_EQ(EvaluateSla(c, d.response_warning_s).state, SlaState::kResponseWarning) << SeverityName(s);
    EXPECT_EQ(EvaluateSla(c, d.response_due_s).state, SlaState::kResponseBreached) << SeverityName(s);
    // Another share, per company.
    p.warning_percent = 50;
    EXPECT_EQ(ComputeDeadlines(p, nullptr, s, t0).response_warning_s, t0 + response_s / 2) << SeverityName(s);
  }
}

TEST(SlaTest, WarningOfAClockStampedBeforeWarningInstants) {
  // 30-minute target due at 10:30: 80 % elapsed at 10:24.
  EXPECT_EQ(Iso(WarningFromDue(Utc("2026-11-25T10:30:00Z"), 30, 80)), "2026-11-25T10:24:00Z");
}

struct ClockCase {
  const char* what;
  int64_t now_min;  // minutes after creation
  std::optional<int64_t> responded_min, resolved_min;
  SlaState want;
  int64_t response_left_min, resolution_left_min;
};

TEST(SlaTest, StateOfTheClock) {
  // Response due at +60, resolution at +240, warnings at 80 %: +48 and +192.
  const int64_t t0 = Utc("2026-11-25T10:00:00Z");
  const ClockCase cases[] = {
      {"fresh", 0, {}, {}, SlaState::kOnTrack, 60, 240},
      {"just before the response warning", 47, {}, {}, SlaState::kOnTrack, 13, 193},
      {"response warning", 48, {}, {}, SlaState::kResponseWarning, 12, 192},
      {"response breached", 60, {}, {}, SlaState::kResponseBreached, 0, 180},
      {"responded in time: resolution clock only", 100, 20, {}, SlaState::kOnTrack, 40, 140},
      {"just before the resolution warning", 191, 20, {}, SlaState::kOnTrack, 40, 49},
      {"resolution warning", 192, 20, {}, SlaState::kResolutionWarning, 40, 48},
      {"resolution breached", 240, 20, {}, SlaState::kResolutionBreached, 40, 0},
      {"responded late stays a response breach", 100, 70, {}, SlaState::kResponseBreached, -10, 140},
      {"resolved in time stops the clock", 10000, 20, 200, SlaState::kOnTrack, 40, 40},
      {"resolved late", 10000, 20, 250, SlaState::kResolutionBreached, 40, -10},
      {"resolving answers too", 10000, {}, 50, SlaState::kOnTrack, 10, 190},
      {"no warning once resolved near the deadline", 235, 20, 230, SlaState::kOnTrack, 40, 10},
  };
  for (const auto& c : cases) {
    SlaClock clock;
    clock.response_due_s = t0 + 3600;
    clock.resolution_due_s = t0 + 4 * 3600;
    clock.response_warning_s = t0 + 48 * 60;
    clock.resolution_warning_s = t0 + 192 * 60;
    if (c.responded_min) clock.responded_s = t0 + *c.responded_min * 60;
    if (c.resolved_min) clock.resolved_s = t0 + *c.resolved_min * 60;
    SlaEvaluation e = EvaluateSla(clock, t0 + c.now_min * 60);
    EXPECT_EQ(SlaStateName(e.state), std::string(SlaStateName(c.want))) << c.what;
    EXPECT_EQ(e.response_seconds_left, c.response_left_min * 60) << c.what;
    EXPECT_EQ(e.resolution_seconds_left, c.resolution_left_min * 60) << c.what;
  }
}

}  // namespace
}  // namespace aw::core
