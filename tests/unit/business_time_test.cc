// Time zones (TZif from the system database, POSIX rules) and business-time
// maths, table-driven, including DST changes in America/New_York and
// Europe/Berlin.

#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "base/time_format.h"
#include "core/business_time.h"
#include "core/tz.h"
#include "services/tz_database.h"

namespace aw::core {
namespace {

int64_t Utc(const std::string& iso) {
  auto us = ParseIso8601(iso);
  EXPECT_TRUE(us.has_value()) << iso;
  return us.value_or(0) / 1'000'000;
}

std::string Iso(int64_t s) { return FormatIso8601Seconds(s); }

const TimeZone& Zone(const std::string& name) {
  const TimeZone* z = services::FindTimeZone(name);
  EXPECT_NE(z, nullptr) << name;
  static const TimeZone utc = TimeZone::Utc();
  return z ? *z : utc;
}

TEST(TimeZoneTest, OffsetsFromTheSystemDatabase) {
  struct Case {
    const char* zone;
    const char* utc;
    int offset_hours;
  } cases[] = {
      {"America/New_York", "2026-01-15T12:00:00Z", -5},
      {"America/New_York", "2026-07-15T12:00:00Z", -4},
      {"America/New_York", "2026-03-08T06:59:59Z", -5},  // 01:59:59 EST
      {"America/New_York", "2026-03-08T07:00:00Z", -4},  // 03:00 EDT
      {"America/New_York", "2026-11-01T05:59:59Z", -4},  // 01:59:59 EDT
      {"America/New_York", "2026-11-01T06:00:00Z", -5},  // 01:00 EST again
      {"Europe/Berlin", "2026-03-29T00:59:59Z", 1},
      {"Europe/Berlin", "2026-03-29T01:00:00Z", 2},
      {"Europe/Berlin", "2026-10-25T00:59:59Z", 2},
      {"Europe/Berlin", "2026-10-25T01:00:00Z", 1},
      {"Asia/Kolkata", "2026-06-01T00:00:00Z", 5},  // +05:30, checked below
      {"UTC", "2026-06-01T00:00:00Z", 0},
      // Beyond the last transition in the file: the POSIX footer rule.
      {"America/New_York", "2060-07-01T12:00:00Z", -4},
      {"Europe/Berlin", "2060-12-01T12:00:00Z", 1},
  };
  for (const auto& c : cases) {
    int32_t off = Zone(c.zone).OffsetAt(Utc(c.utc));
    EXPECT_EQ(off / 3600, c.offset_hours) << c.zone << " at " << c.utc;
  }
  EXPECT_EQ(Zone("Asia/Kolkata").OffsetAt(Utc("2026-06-01T00:00:00Z")), 5 * 3600 + 1800);
}

TEST(TimeZoneTest, UnknownOrUnsafeNamesAreRejected) {
  for (const char* n : {"Mars/Olympus", "../etc/passwd", "/etc/passwd", "", "America", "Europe/Berlin\n"}) {
    EXPECT_EQ(services::FindTimeZone(n), nullptr) << n;
  }
  EXPECT_NE(services::FindTimeZone("Etc/UTC"), nullptr);
}

TEST(TimeZoneTest, LocalToUtcInGapsAndOverlaps) {
  const TimeZone& ny = Zone("America/New_York");
  auto local = [](const std::string& iso) { return Utc(iso); };  // a local reading written as if UTC
  // Ordinary times.
  EXPECT_EQ(Iso(ny.ToUtc(local("2026-01-15T09:00:00Z"))), "2026-01-15T14:00:00Z");
  EXPECT_EQ(Iso(ny.ToUtc(local("2026-07-15T09:00:00Z"))), "2026-07-15T13:00:00Z");
  // 02:30 does not exist on 2026-03-08: taken with the offset before the gap (= 03:30 EDT).
  EXPECT_EQ(Iso(ny.ToUtc(local("2026-03-08T02:30:00Z"))), "2026-03-08T07:30:00Z");
  // 01:30 happens twice on 2026-11-01: the earlier (EDT) instant.
  EXPECT_EQ(Iso(ny.ToUtc(local("2026-11-01T01:30:00Z"))), "2026-11-01T05:30:00Z");
}

TEST(TimeZoneTest, PosixRulesAndMalformedInput) {
  auto berlin = TimeZone::FromPosix("x", "CET-1CEST,M3.5.0,M10.5.0/3");
  ASSERT_TRUE(berlin.has_value());
  EXPECT_EQ(berlin->OffsetAt(Utc("2030-03-31T00:59:59Z")), 3600);
  EXPECT_EQ(berlin->OffsetAt(Utc("2030-03-31T01:00:00Z")), 7200);
  EXPECT_EQ(berlin->OffsetAt(Utc("2030-10-27T01:00:00Z")), 3600);
  auto sydney = TimeZone::FromPosix("x", "AEST-10AEDT,M10.1.0,M4.1.0/3");  // southern hemisphere
  ASSERT_TRUE(sydney.has_value());
  EXPECT_EQ(sydney->OffsetAt(Utc("2030-01-15T00:00:00Z")), 11 * 3600);
  EXPECT_EQ(sydney->OffsetAt(Utc("2030-07-15T00:00:00Z")), 10 * 3600);
  auto fixed = TimeZone::FromPosix("x", "<+0330>-3:30");
  ASSERT_TRUE(fixed.has_value());
  EXPECT_EQ(fixed->OffsetAt(0), 3 * 3600 + 1800);
  for (const char* bad : {"", "E", "EST", "EST5EDT,M13.1.0,M11.1.0", "EST5EDT,M3.2.0", "EST5x"}) {
    EXPECT_FALSE(TimeZone::FromPosix("x", bad).has_value()) << bad;
  }
  EXPECT_FALSE(TimeZone::FromTzif("x", "").has_value());
  EXPECT_FALSE(TimeZone::FromTzif("x", "TZif2 this is not a zone file at all, far too short").has_value());
}

struct BizCase {
  const char* zone;
  int start_minute, end_minute;
  std::array<bool, 7> days;
  const char* start_utc;
  int64_t minutes;
  const char* want_utc;
  const char* what;
};

constexpr std::array<bool, 7> kWeekdays = {true, true, true, true, true, false, false};
constexpr std::array<bool, 7> kEveryDay = {true, true, true, true, true, true, true};

TEST(BusinessTimeTest, AddBusinessMinutes) {
  const BizCase cases[] = {
      // 2026-11-27 is a Friday. 16:30 + 2 business hours = Monday 10:30.
      {"UTC", 540, 1020, kWeekdays, "2026-11-27T16:30:00Z", 120, "2026-11-30T10:30:00Z", "friday to monday"},
      {"UTC", 540, 1020, kWeekdays, "2026-11-27T16:30:00Z", 30, "2026-11-27T17:00:00Z", "ends exactly at closing"},
      {"UTC", 540, 1020, kWeekdays, "2026-11-28T12:00:00Z", 60, "2026-11-30T10:00:00Z", "starts on a saturday"},
      {"UTC", 540, 1020, kWeekdays, "2026-11-30T07:00:00Z", 60, "2026-11-30T10:00:00Z", "starts before opening"},
      {"UTC", 540, 1020, kWeekdays, "2026-11-30T10:00:00Z", 0, "2026-11-30T10:00:00Z", "zero minutes"},
      {"UTC", 540, 1020, kWeekdays, "2026-11-27T16:30:00Z", 8 * 60 * 5, "2026-12-04T16:30:00Z", "a whole week"},
      // New York: Friday 2026-03-06 16:30 EST + 2h -> Monday 2026-03-09 10:30 EDT (14:30Z, not 15:30Z).
      {"America/New_York", 540, 1020, kWeekdays, "2026-03-06T21:30:00Z", 120, "2026-03-09T14:30:00Z", "NY spring forward"},
      // Friday 2026-10-30 16:30 EDT + 2h -> Monday 2026-11-02 10:30 EST (15:30Z).
      {"America/New_York", 540, 1020, kWeekdays, "2026-10-30T20:30:00Z", 120, "2026-11-02T15:30:00Z", "NY fall back"},
      // Berlin: Friday 2026-03-27 16:30 CET + 2h -> Monday 2026-03-30 10:30 CEST (08:30Z).
      {"Europe/Berlin", 540, 1020, kWeekdays, "2026-03-27T15:30:00Z", 120, "2026-03-30T08:30:00Z", "Berlin spring forward"},
      // Friday 2026-10-23 16:30 CEST + 2h -> Monday 2026-10-26 10:30 CET (09:30Z).
      {"Europe/Berlin", 540, 1020, kWeekdays, "2026-10-23T14:30:00Z", 120, "2026-10-26T09:30:00Z", "Berlin fall back"},
      // Around-the-clock hours are real time, also over the 23-hour 2026-03-08 in New York
      // (24 business hours from local midnight end at 01:00 EDT the next day).
      {"America/New_York", 0, 1440, kEveryDay, "2026-03-08T05:00:00Z", 24 * 60, "2026-03-09T05:00:00Z", "23-hour day"},
      // ... and the long day 2026-11-01 has 25.
      {"America/New_York", 0, 1440, kEveryDay, "2026-11-01T04:00:00Z", 24 * 60, "2026-11-02T04:00:00Z", "25-hour day"},
      // A 01:00-04:00 window containing the spring-forward gap holds 2 real hours, not 3:
      // 150 minutes from its start end 30 minutes into the next day's window (01:30 EDT).
      {"America/New_York", 60, 240, kEveryDay, "2026-03-08T06:00:00Z", 150, "2026-03-09T05:30:00Z", "window over a gap"},
  };
  for (const auto& c : cases) {
    BusinessHours bh{&Zone(c.zone), c.start_minute, c.end_minute, c.days};
    EXPECT_EQ(Iso(AddBusinessSeconds(bh, Utc(c.start_utc), c.minutes * 60)), c.want_utc) << c.what;
  }
}

TEST(BusinessTimeTest, SecondsBetweenIsTheInverse) {
  BusinessHours bh{&Zone("Europe/Berlin"), 540, 1020, kWeekdays};
  const int64_t from = Utc("2026-10-23T14:30:00Z");
  for (int64_t minutes : {1, 30, 120, 480, 2400, 10000}) {
    int64_t to = AddBusinessSeconds(bh, from, minutes * 60);
    EXPECT_EQ(BusinessSecondsBetween(bh, from, to), minutes * 60) << minutes;
  }
  EXPECT_EQ(BusinessSecondsBetween(bh, from, from - 10), 0);
}

TEST(BusinessTimeTest, ParseHhMm) {
  EXPECT_EQ(ParseHhMm("09:30"), 570);
  EXPECT_EQ(ParseHhMm("00:00"), 0);
  EXPECT_EQ(ParseHhMm("23:59"), 1439);
  EXPECT_EQ(ParseHhMm("24:00", true), 1440);
  for (const char* bad : {"24:00", "9:30", "09:60", "25:00", "ab:cd", "09:30:00", ""}) {
    EXPECT_FALSE(ParseHhMm(bad).has_value()) << bad;
  }
  EXPECT_EQ(FormatHhMm(570), "09:30");
}

}  // namespace
}  // namespace aw::core
