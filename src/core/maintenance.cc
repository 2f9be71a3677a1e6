#include "core/maintenance.h"

#include <algorithm>

#include "core/oncall.h"

namespace aw::core {

bool MaintenanceWindow::AppliesTo(const std::string& asset) const {
  return assets.empty() || std::find(assets.begin(), assets.end(), asset) != assets.end();
}

std::vector<std::pair<int64_t, int64_t>> WindowIntervals(const MaintenanceWindow& w, int64_t from_s,
                                                         int64_t to_s) {
  std::vector<std::pair<int64_t, int64_t>> out;
  if (to_s <= from_s) return out;
  if (!w.weekly) {
    const int64_t s = std::max(w.start_s, from_s), e = std::min(w.end_s, to_s);
    if (s < e) out.emplace_back(s, e);
    return out;
  }
  if (w.tz == nullptr) return out;
  // The same local-time arithmetic as on-call shifts (core/oncall.h).
  OnCallShift shift;
  shift.type = ShiftType::kWeekly;
  shift.days = w.days;
  shift.start_minute = w.start_minute;
  shift.end_minute = w.end_minute;
  shift.tz = w.tz;
  for (const auto& iv : ShiftIntervals(shift, 0, from_s, to_s)) {
    const int64_t s = std::max(iv.start_s, from_s), e = std::min(iv.end_s, to_s);
    if (s < e) out.emplace_back(s, e);
  }
  std::sort(out.begin(), out.end());
  return out;
}

bool InWindow(const MaintenanceWindow& w, int64_t t_s) { return !WindowIntervals(w, t_s, t_s + 1).empty(); }

namespace {

// Seconds of [from, to) covered by the union of the applicable windows.
int64_t CoveredSeconds(const std::vector<MaintenanceWindow>& windows, const std::string& asset,
                       int64_t from_s, int64_t to_s) {
  std::vector<std::pair<int64_t, int64_t>> all;
  for (const auto& w : windows) {
    if (!w.AppliesTo(asset)) continue;
    auto iv = WindowIntervals(w, from_s, to_s);
    all.insert(all.end(), iv.begin(), iv.end());
  }
  std::sort(all.begin(), all.end());
  int64_t covered = 0, reach = from_s;
  for (const auto& [s, e] : all) {
    const int64_t start = std::max(s, reach);
    if (e > start) {
      covered += e - start;
      reach = e;
    }
  }
  return covered;
}

}  // namespace

int64_t ExtendForMaintenance(const std::vector<MaintenanceWindow>& windows, const std::string& asset,
                             int64_t from_s, int64_t due_s) {
  if (due_s <= from_s) return due_s;
  bool any = false;
  for (const auto& w : windows) any = any || w.AppliesTo(asset);
  if (!any) return due_s;
  // The working time still owed is (due - from); walk forward until that
  // much time outside windows has passed. Each round adds the window time
  // found so far; a deadline inside a window is pushed to its end.
  const int64_t owed = due_s - from_s;
  int64_t end = due_s;
  for (int round = 0; round < 64; ++round) {
    const int64_t covered = CoveredSeconds(windows, asset, from_s, end);
    const int64_t next = from_s + owed + covered;
    if (next == end) {
      // At a window's start the deadline is paused with it.
      int64_t moved = end;
      for (const auto& w : windows) {
        if (!w.AppliesTo(asset)) continue;
        auto iv = WindowIntervals(w, end, end + 1);
        if (!iv.empty()) {
          auto rest = WindowIntervals(w, end, end + 14 * 86400);
          if (!rest.empty() && rest.front().first == end) moved = std::max(moved, rest.front().second);
        }
      }
      if (moved == end) return end;
      end = moved;
      continue;
    }
    end = next;
  }
  return end;
}

}  // namespace aw::core
