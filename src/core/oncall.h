#pragma once

// Who is on call: shifts of on-call schedules, their overrides, and the
// winner at an instant (pure; the caller passes "now" and the zones).
//
// A schedule's shift starts at start_minute local time on the days it runs
// (one_time: one date; daily: every day; weekly: days_of_week, Monday = 0)
// and ends at end_minute; an end at or before the start crosses midnight
// (22:00-06:00 ends the next morning; equal times make a 24-hour shift).
// An override puts another user on call for [start, end) of that schedule,
// whether or not a shift runs then. Among everything covering an instant the
// highest priority wins; within a schedule an override beats the shift; ties
// go to the newer schedule (greater id: ids are time-ordered).
//
// Thread-safe (pure functions, value types).

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/tz.h"

namespace aw::core {

enum class ShiftType { kOneTime, kDaily, kWeekly };

struct OnCallOverride {
  std::string user_id;
  int64_t start_s = 0;
  int64_t end_s = 0;
};

struct OnCallShift {
  std::string id;
  std::string user_id;
  ShiftType type = ShiftType::kWeekly;
  int64_t date_day = 0;  // one_time: local date as days since 1970-01-01
  std::array<bool, 7> days = {true, true, true, true, true, true, true};  // weekly
  int start_minute = 9 * 60;
  int end_minute = 17 * 60;
  const TimeZone* tz = nullptr;  // REQUIRES: non-null
  int priority = 0;
  std::vector<OnCallOverride> overrides;
};

struct OnCallInterval {
  int64_t start_s = 0;
  int64_t end_s = 0;
  std::string user_id;
  size_t schedule = 0;  // index into the schedules given
  bool is_override = false;
};

// Every shift and override of schedule `index` overlapping [from_s, to_s).
std::vector<OnCallInterval> ShiftIntervals(const OnCallShift& s, size_t index, int64_t from_s, int64_t to_s);

struct OnCallAnswer {
  bool found = false;
  std::string user_id;
  size_t schedule = 0;
  bool is_override = false;
  int64_t since_s = 0;
  // When this answer stops holding: the end of the winner's coverage
  // (contiguous shifts of the same person joined), or the start of something
  // that outranks it, whichever comes first.
  int64_t until_s = 0;
};

OnCallAnswer WhoIsOnCall(const std::vector<OnCallShift>& schedules, int64_t now_s);

}  // namespace aw::core
