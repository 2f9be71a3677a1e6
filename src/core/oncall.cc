#include "core/oncall.h"

#include <algorithm>
#include <tuple>

namespace aw::core {

namespace {

constexpr int64_t kDay = 86400;
// How far ahead "until" looks; a longer coverage reports this horizon.
constexpr int64_t kHorizonDays = 14;

bool RunsOn(const OnCallShift& s, int64_t day) {
  switch (s.type) {
    case ShiftType::kOneTime: return day == s.date_day;
    case ShiftType::kDaily: return true;
    case ShiftType::kWeekly: return s.days[static_cast<size_t>(WeekdayOfDay(day))];
  }
  return false;
}

// Rank of an interval: higher wins.
std::tuple<int, int, const std::string&> Rank(const std::vector<OnCallShift>& all, const OnCallInterval& i) {
  const OnCallShift& s = all[i.schedule];
  return {s.priority, i.is_override ? 1 : 0, s.id};
}

}  // namespace

std::vector<OnCallInterval> ShiftIntervals(const OnCallShift& s, size_t index, int64_t from_s, int64_t to_s) {
  std::vector<OnCallInterval> out;
  const int64_t first = LocalDay(s.tz->ToLocal(from_s)) - 2;  // a shift that began up to two days before
  const int64_t last = LocalDay(s.tz->ToLocal(to_s)) + 1;
  const bool crosses = s.end_minute <= s.start_minute;
  for (int64_t day = first; day <= last; ++day) {
    if (!RunsOn(s, day)) continue;
    int64_t start = s.tz->ToUtc(day * kDay + int64_t{s.start_minute} * 60);
    int64_t end = s.tz->ToUtc((day + (crosses ? 1 : 0)) * kDay + int64_t{s.end_minute} * 60);
    if (end <= start) continue;  // a shift swallowed by a DST gap
    if (end > from_s && start < to_s) out.push_back({start, end, s.user_id, index, false});
  }
  for (const auto& o : s.overrides) {
    if (o.end_s > o.start_s && o.end_s > from_s && o.start_s < to_s) {
      out.push_back({o.start_s, o.end_s, o.user_id, index, true});
    }
  }
  return out;
}

OnCallAnswer WhoIsOnCall(const std::vector<OnCallShift>& schedules, int64_t now_s) {
  OnCallAnswer a;
  const int64_t horizon = now_s + kHorizonDays * kDay;
  std::vector<OnCallInterval> all;
  for (size_t i = 0; i < schedules.size(); ++i) {
    auto v = ShiftIntervals(schedules[i], i, now_s - 2 * kDay, horizon);
    all.insert(all.end(), v.begin(), v.end());
  }
  const OnCallInterval* win = nullptr;
  for (const auto& i : all) {
    if (i.start_s <= now_s && now_s < i.end_s && (win == nullptr || Rank(schedules, *win) < Rank(schedules, i))) {
      win = &i;
    }
  }
  if (win == nullptr) return a;
  a.found = true;
  a.user_id = win->user_id;
  a.schedule = win->schedule;
  a.is_override = win->is_override;
  a.since_s = win->start_s;
  // Join back-to-back coverage of the same person by the same schedule and kind.
  int64_t until = win->end_s;
  for (bool grew = true; grew && until < horizon;) {
    grew = false;
    for (const auto& i : all) {
      if (i.schedule == win->schedule && i.is_override == win->is_override && i.user_id == win->user_id &&
          i.start_s <= until && i.end_s > until) {
        until = i.end_s;
        grew = true;
      }
    }
  }
  for (const auto& i : all) {
    if (i.start_s > now_s && i.start_s < until && Rank(schedules, *win) < Rank(schedules, i) &&
        i.user_id != win->user_id) {
      until = i.start_s;
    }
  }
  a.until_s = std::min(until, horizon);
  return a;
}

}  // namespace aw::core
