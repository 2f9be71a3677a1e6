#include "core/business_time.h"

#include <algorithm>
#include <cstdio>

namespace aw::core {

namespace {

// Days scanned before giving up; with one working day a week, a year of
// business hours fits easily.
constexpr int kMaxDays = 3 * 366;

struct Window {
  int64_t start, end;
};

Window WindowOf(const BusinessHours& bh, int64_t local_day) {
  return {bh.tz->ToUtc(local_day * 86400 + bh.start_minute * 60), bh.tz->ToUtc(local_day * 86400 + bh.end_minute * 60)};
}

bool AnyDay(const BusinessHours& bh) {
  return std::any_of(bh.days.begin(), bh.days.end(), [](bool b) { return b; });
}

}  // namespace

int64_t AddBusinessSeconds(const BusinessHours& bh, int64_t start, int64_t seconds) {
  if (seconds <= 0) return start;
  if (!AnyDay(bh) || bh.end_minute <= bh.start_minute) return start + seconds;
  int64_t cursor = start;
  int64_t remaining = seconds;
  int64_t day = LocalDay(bh.tz->ToLocal(start)) - 1;  // yesterday's window may still be open after a DST shift
  for (int i = 0; i < kMaxDays; ++i, ++day) {
    if (!bh.days[static_cast<size_t>(WeekdayOfDay(day))]) continue;
    Window w = WindowOf(bh, day);
    if (w.end <= cursor) continue;
    int64_t s = std::max(w.start, cursor);
    int64_t avail = w.end - s;
    if (avail >= remaining) return s + remaining;
    remaining -= avail;
    cursor = w.end;
  }
  return cursor + remaining;
}

int64_t BusinessSecondsBetween(const BusinessHours& bh, int64_t from, int64_t to) {
  if (to <= from) return 0;
  if (!AnyDay(bh) || bh.end_minute <= bh.start_minute) return to - from;
  int64_t total = 0;
  int64_t day = LocalDay(bh.tz->ToLocal(from)) - 1;
  const int64_t last = LocalDay(bh.tz->ToLocal(to)) + 1;
  for (; day <= last; ++day) {
    if (!bh.days[static_cast<size_t>(WeekdayOfDay(day))]) continue;
    Window w = WindowOf(bh, day);
    int64_t s = std::max(w.start, from), e = std::min(w.end, to);
    if (e > s) total += e - s;
  }
  return total;
}

std::optional<int> ParseHhMm(std::string_view s, bool allow_24) {
  if (s.size() != 5 || s[2] != ':') return std::nullopt;
  for (size_t i : {0u, 1u, 3u, 4u}) {
    if (s[i] < '0' || s[i] > '9') return std::nullopt;
  }
  int h = (s[0] - '0') * 10 + (s[1] - '0');
  int m = (s[3] - '0') * 10 + (s[4] - '0');
  if (m > 59) return std::nullopt;
  if (h == 24 && m == 0 && allow_24) return 1440;
  if (h > 23) return std::nullopt;
  return h * 60 + m;
}

std::string FormatHhMm(int minutes) {
  char buf[8];
  std::snprintf(buf, sizeof buf, "%02d:%02d", (minutes / 60) % 100, minutes % 60);
  return buf;
}

}  // namespace aw::core
