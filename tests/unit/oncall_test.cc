// Who is on call: overnight shifts, weekly days, one-time shifts, priority,
// overrides and "until", table-driven over instants.

#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "base/time_format.h"
#include "core/oncall.h"
#include "services/tz_database.h"

namespace aw::core {
namespace {

int64_t Utc(const std::string& iso) { return ParseIso8601(iso).value_or(0) / 1'000'000; }
std::string Iso(int64_t s) { return FormatIso8601Seconds(s); }

const TimeZone* Zone(const char* name) {
  const TimeZone* z = services::FindTimeZone(name);
  EXPECT_NE(z, nullptr) << name;
  return z;
}

OnCallShift Shift(const char* id, const char* user, ShiftType type, int start, int end, const char* zone,
                  int priority = 1) {
  OnCallShift s;
  s.id = id;
  s.user_id = user;
  s.type = type;
  s.start_minute = start;
  s.end_minute = end;
  s.tz = Zone(zone);
  s.priority = priority;
  return s;
}

struct Case {
  const char* at;
  const char* user;  // "" = nobody
  const char* until;
};

void Check(const std::vector<OnCallShift>& schedules, const std::vector<Case>& cases, const char* what) {
  for (const auto& c : cases) {
    OnCallAnswer a = WhoIsOnCall(schedules, Utc(c.at));
    EXPECT_EQ(a.found ? a.user_id : "", c.user) << what << " at " << c.at;
    if (a.found && c.until[0] != '\0') {
      EXPECT_EQ(Iso(a.until_s), c.until) << what << " at " << c.at;
    }
  }
}

TEST(OnCallTest, OvernightShiftCrossesMidnight) {
  // 22:00-06:00 Berlin, every day. Winter: UTC+1.
  std::vector<OnCallShift> s = {Shift("a", "night", ShiftType::kDaily, 22 * 60, 6 * 60, "Europe/Berlin")};
  Check(s,
        {{"2026-11-25T20:59:59Z", "", ""},
         {"2026-11-25T21:00:00Z", "night", "2026-11-26T05:00:00Z"},
         {"2026-11-26T02:00:00Z", "night", "2026-11-26T05:00:00Z"},  // after midnight: yesterday's shift
         {"2026-11-26T04:59:59Z", "night", ""},
         {"2026-11-26T05:00:00Z", "", ""}},
        "overnight");
}

TEST(OnCallTest, WeeklyOvernightShiftBelongsToTheDayItStarts) {
  // Friday only, 20:00-08:00 UTC: covers Saturday morning, not Friday morning.
  OnCallShift f = Shift("a", "fri", ShiftType::kWeekly, 20 * 60, 8 * 60, "UTC");
  f.days = {false, false, false, false, true, false, false};
  Check({f},
        {{"2026-11-27T07:00:00Z", "", ""},  // Friday morning
         {"2026-11-27T20:00:00Z", "fri", "2026-11-28T08:00:00Z"},
         {"2026-11-28T07:59:00Z", "fri", ""},  // Saturday morning
         {"2026-11-28T08:00:00Z", "", ""}},
        "weekly overnight");
}

TEST(OnCallTest, OvernightShiftOverDstChange) {
  // 2026-03-07 (Saturday) 22:00 EST to 2026-03-08 06:00 EDT is 7 real hours.
  std::vector<OnCallShift> s = {Shift("a", "ny", ShiftType::kDaily, 22 * 60, 6 * 60, "America/New_York")};
  Check(s, {{"2026-03-08T03:00:00Z", "ny", "2026-03-08T10:00:00Z"}, {"2026-03-08T10:00:00Z", "", ""}}, "dst");
}

TEST(OnCallTest, ContiguousShiftsJoinInUntil) {
  // Around the clock (00:00-24:00) every day: "until" reaches the horizon, not midnight.
  std::vector<OnCallShift> s = {Shift("a", "always", ShiftType::kDaily, 0, 1440, "UTC")};
  OnCallAnswer a = WhoIsOnCall(s, Utc("2026-11-25T12:00:00Z"));
  ASSERT_TRUE(a.found);
  EXPECT_EQ(Iso(a.until_s), "2026-12-09T12:00:00Z");  // the 14-day horizon
}

TEST(OnCallTest, PriorityAndTies) {
  OnCallShift base = Shift("01-base", "base", ShiftType::kDaily, 0, 1440, "UTC", 1);
  OnCallShift day = Shift("02-day", "day", ShiftType::kDaily, 9 * 60, 17 * 60, "UTC", 5);
  OnCallShift low = Shift("03-low", "low", ShiftType::kDaily, 10 * 60, 11 * 60, "UTC", 0);
  Check({base, day, low},
        {{"2026-11-25T08:00:00Z", "base", "2026-11-25T09:00:00Z"},  // cut where a higher priority starts
         {"2026-11-25T10:30:00Z", "day", "2026-11-25T17:00:00Z"},   // priority 5 beats 1 and 0
         {"2026-11-25T17:00:00Z", "base", ""}},
        "priority");
  // Equal priority: the newer schedule (greater id) wins.
  OnCallShift other = Shift("04-newer", "newer", ShiftType::kDaily, 0, 1440, "UTC", 1);
  Check({base, other}, {{"2026-11-25T08:00:00Z", "newer", ""}}, "tie");
}

TEST(OnCallTest, OneTimeShift) {
  OnCallShift s = Shift("a", "once", ShiftType::kOneTime, 23 * 60, 2 * 60, "UTC");
  s.date_day = Utc("2026-12-24T00:00:00Z") / 86400;
  Check({s},
        {{"2026-12-23T23:30:00Z", "", ""},
         {"2026-12-24T23:30:00Z", "once", "2026-12-25T02:00:00Z"},
         {"2026-12-25T23:30:00Z", "", ""}},
        "one time");
}

TEST(OnCallTest, OverridesReplaceTheUserForTheirWindow) {
  OnCallShift s = Shift("a", "regular", ShiftType::kDaily, 9 * 60, 17 * 60, "UTC", 1);
  s.overrides.push_back({"stand-in", Utc("2026-11-25T12:00:00Z"), Utc("2026-11-25T14:00:00Z")});
  s.overrides.push_back({"late", Utc("2026-11-25T18:00:00Z"), Utc("2026-11-25T19:00:00Z")});  // outside the shift
  OnCallShift higher = Shift("b", "boss", ShiftType::kDaily, 13 * 60, 13 * 60 + 30, "UTC", 9);
  Check({s, higher},
        {{"2026-11-25T11:00:00Z", "regular", "2026-11-25T12:00:00Z"},  // until the override starts
         {"2026-11-25T12:30:00Z", "stand-in", "2026-11-25T13:00:00Z"},  // until the higher priority starts
         {"2026-11-25T13:10:00Z", "boss", "2026-11-25T13:30:00Z"},      // priority beats an override
         {"2026-11-25T13:45:00Z", "stand-in", "2026-11-25T14:00:00Z"},
         {"2026-11-25T14:00:00Z", "regular", "2026-11-25T17:00:00Z"},
         {"2026-11-25T18:30:00Z", "late", "2026-11-25T19:00:00Z"},
         {"2026-11-25T19:00:00Z", "", ""}},
        "overrides");
}

TEST(OnCallTest, NobodyWithoutSchedules) { EXPECT_FALSE(WhoIsOnCall({}, Utc("2026-11-25T12:00:00Z")).found); }

}  // namespace
}  // namespace aw::core
