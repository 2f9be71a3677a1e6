#pragma once

// The system tz database (tzdata: /usr/share/zoneinfo, or $TZDIR): IANA
// zone names -> core::TimeZone, read once per name and kept for the life of
// the process (zone files are immutable; a tzdata upgrade takes effect at
// the next start).
//
// Why not localtime_r/mktime: switching TZ with setenv+tzset is process-wide
// and races with every other thread; parsing TZif here keeps the maths pure
// (core/tz.h) and thread-safe.
//
// Thread-safe (one mutex around the cache; returned pointers stay valid).

#include <string>

#include "core/tz.h"

namespace aw::services {

// The zone, or nullptr when the name is not a plausible IANA name or no
// readable, well-formed TZif file exists for it. "UTC" always exists.
const core::TimeZone* FindTimeZone(const std::string& name);

// Where the zone files are (app/config's TZDIR); empty: /usr/share/zoneinfo.
// REQUIRES: called at start-up, before the first FindTimeZone.
void SetTimeZoneDir(std::string dir);

}  // namespace aw::services
