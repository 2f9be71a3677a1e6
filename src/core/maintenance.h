#pragma once

// Maintenance windows (pure; the caller passes "now" and the time zone).
//
// A window is one-off ([start_s, end_s) in UTC) or weekly: on the given
// local days (Monday = 0) from start_minute to end_minute local time in its
// time zone; an end at or before the start crosses midnight (22:00-02:00
// ends the next morning; equal times make a 24-hour window). Local times
// are converted with core::TimeZone, so a weekly 01:00-05:00 window in
// Europe/Berlin covers 01:00-05:00 on the wall clock on the day DST starts
// (three real hours) and on the day it ends (five). Every interval is
// half-open: an instant equal to the end is outside.
//
// A window covers the whole company (no assets) or the listed assets.
// Thread-safe (value types).

#include <array>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "core/tz.h"

namespace aw::core {

struct MaintenanceWindow {
  std::string id;
  bool weekly = false;
  int64_t start_s = 0;  // one-off
  int64_t end_s = 0;
  std::array<bool, 7> days = {};  // weekly, Monday = 0: the days a window starts
  int start_minute = 0;
  int end_minute = 0;
  const TimeZone* tz = nullptr;     // weekly; REQUIRES non-null then
  std::vector<std::string> assets;  // empty: every asset of the company

  bool AppliesTo(const std::string& asset) const;
};

// The window's intervals overlapping [from_s, to_s), clipped to it, ascending.
std::vector<std::pair<int64_t, int64_t>> WindowIntervals(const MaintenanceWindow& w, int64_t from_s,
                                                         int64_t to_s);
bool InWindow(const MaintenanceWindow& w, int64_t t_s);

// A deadline that pauses during maintenance: `due_s` moved later by the
// window time (of every window applying to `asset`; overlaps counted once)
// between `from_s` and the moved deadline. A deadline that falls inside a
// window moves by the rest of it too. Returns `due_s` when no window
// applies.
int64_t ExtendForMaintenance(const std::vector<MaintenanceWindow>& windows, const std::string& asset,
                             int64_t from_s, int64_t due_s);

}  // namespace aw::core
