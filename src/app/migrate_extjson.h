#pragma once

// MongoDB Extended JSON (what `mongoexport` writes, canonical or relaxed
// mode) to the plain JSON the store keeps. Pure functions; thread-safe.
//
//   {"$oid": "65a..."}                         -> "65a..."
//   {"$date": "2024-01-15T10:30:00.000Z"}      -> "2024-01-15T10:30:00.000000Z"
//   {"$date": {"$numberLong": "1705314600000"}} / {"$date": 1705314600000}
//                                              -> the same ISO form (milliseconds since the epoch)
//   {"$numberLong": "42"}, {"$numberInt": "7"} -> 42, 7
//   {"$numberDouble": "1.5"}                   -> 1.5 ("NaN", "Infinity" -> null: JSON has no such numbers)
//   {"$numberDecimal": "1.10"}                 -> "1.10" (kept exact, as a string)
//   {"$binary": {"base64": ..., ...}}          -> the base64 string
//   {"$uuid": "..."}, {"$symbol": ...}         -> the string
//   {"$timestamp": {"t": s, "i": n}}           -> ISO form of s
//   {"$minKey": 1}, {"$maxKey": 1}, {"$undefined": true} -> null
// Other objects and arrays are converted member by member.

#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "base/status.h"

namespace aw::app::migrate {

// InvalidArgument naming the path (e.g. "created_at.$date") when a wrapper's
// value is malformed (a $numberLong that is not an integer, a $date that is
// not a date, an $oid that is not a string).
Result<nlohmann::json> FromExtendedJson(const nlohmann::json& v);

// A date in any of the forms the original service wrote, as the project's
// fixed-width ISO-8601 UTC with microseconds: an ISO string (a zone-less one
// is UTC, as Python's datetime.utcnow().isoformat() wrote them) or a number
// of milliseconds since the epoch. nullopt otherwise or outside years 0..9999.
std::optional<std::string> NormalizeDate(const nlohmann::json& v);

}  // namespace aw::app::migrate
