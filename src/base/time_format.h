#pragma once

// ISO-8601 / RFC 3339 timestamps in UTC, without libc time zone or locale
// calls (pure arithmetic on the proleptic Gregorian calendar).
//
// Thread-safe: pure functions.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace aw {

// "2026-11-25T13:15:43.123456Z": always 27 characters, so for years 0000-9999
// string order equals time order (used in sort keys).
// REQUIRES: the instant lies in years 0000..9999.
std::string FormatIso8601Micros(int64_t epoch_micros);

// "2026-11-25T13:15:43Z". REQUIRES: years 0000..9999.
std::string FormatIso8601Seconds(int64_t epoch_seconds);

// Parses "YYYY-MM-DDTHH:MM:SS[.fraction][Z|+hh:mm|-hh:mm|+hhmm|-hhmm]" into
// epoch microseconds. Also accepts a space or 't' for 'T' and 'z' for 'Z'; no
// zone means UTC. Fraction digits beyond microseconds are truncated. Returns
// nullopt for anything else: missing or extra characters, a month, day, hour,
// minute or second out of range (seconds 60 included), offsets beyond 23:59.
std::optional<int64_t> ParseIso8601(std::string_view s);

// Days since 1970-01-01 of a proleptic Gregorian date, and its inverse.
// REQUIRES: month in 1..12, day in 1..31.
int64_t DaysFromCivil(int64_t year, unsigned month, unsigned day);
void CivilFromDays(int64_t days, int64_t* year, unsigned* month, unsigned* day);

}  // namespace aw
