#pragma once

// Business-time arithmetic: "2 business hours after Friday 16:30" is Monday
// 10:30 when the working week is Monday-Friday 09:00-17:00. Windows are
// local wall-clock times in a TimeZone and are measured in real elapsed
// seconds, so a window that contains a DST change is an hour shorter or
// longer, and deadlines land on the right local time after the change.
//
// Pure and thread-safe.

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "core/tz.h"

namespace aw::core {

struct BusinessHours {
  const TimeZone* tz = nullptr;  // REQUIRES: non-null
  int start_minute = 9 * 60;     // local minutes after midnight, 0..1439
  int end_minute = 17 * 60;      // 1..1440 (1440 = midnight at the end of the day); > start_minute
  std::array<bool, 7> days = {true, true, true, true, true, false, false};  // Monday = 0
};

// The instant `seconds` of business time after `start_utc_s`. A start outside
// business hours begins counting at the next window; a deadline that falls
// exactly on a window's end stays there. REQUIRES: at least one working day
// (otherwise the calendar-time sum is returned).
int64_t AddBusinessSeconds(const BusinessHours& bh, int64_t start_utc_s, int64_t seconds);

// Business seconds within [from_utc_s, to_utc_s) (0 when to <= from).
int64_t BusinessSecondsBetween(const BusinessHours& bh, int64_t from_utc_s, int64_t to_utc_s);

// "HH:MM" -> minutes after midnight (00:00..23:59, and "24:00" when
// allow_24 is set); nullopt otherwise.
std::optional<int> ParseHhMm(std::string_view s, bool allow_24 = false);
std::string FormatHhMm(int minutes);

}  // namespace aw::core
