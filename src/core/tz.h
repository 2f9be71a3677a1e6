#pragma once

// Time zones from the IANA tz database, without libc's TZ/tzset (which is
// process-global and not thread-safe to switch) and without C++20
// zoned_time (absent from g++ 12's libstdc++).
//
// A TimeZone is built from the bytes of a TZif file (RFC 8536, versions 1-4;
// the loader in services/tz_database.h reads /usr/share/zoneinfo) or from a
// POSIX TZ rule such as "CET-1CEST,M3.5.0,M10.5.0/3". Instants after the
// file's last transition follow the POSIX rule of its footer, so DST keeps
// working after 2037 and with "slim" TZif files.
//
// "Local seconds" are the wall-clock reading expressed as seconds since
// 1970-01-01T00:00 as if it were UTC (so days are local_s / 86400).
//
// Immutable after construction, so thread-safe. Pure: no I/O.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace aw::core {

class TimeZone {
 public:
  static TimeZone Utc();
  // nullopt when the bytes are not a well-formed TZif file.
  static std::optional<TimeZone> FromTzif(std::string name, std::string_view data);
  // nullopt when `rule` is not a POSIX TZ string this code understands
  // (std offset, optional dst with Mm.w.d / Jn / n dates and /time).
  static std::optional<TimeZone> FromPosix(std::string name, std::string_view rule);

  const std::string& name() const { return name_; }

  // Offset from UTC (seconds east) in effect at `utc_s`.
  int32_t OffsetAt(int64_t utc_s) const;
  int64_t ToLocal(int64_t utc_s) const { return utc_s + OffsetAt(utc_s); }
  // The instant a local reading means. In a spring-forward gap (e.g. 02:30
  // that never happens) the reading is taken with the offset before the gap,
  // giving the instant just as far after the gap; in a fall-back overlap the
  // earlier of the two instants.
  int64_t ToUtc(int64_t local_s) const;

 private:
  struct RuleData {
    int32_t std_offset = 0;
    bool has_dst = false;
    int32_t dst_offset = 0;
    // Transition dates: kind 'M' (month, week, weekday), 'J' (1..365, no
    // leap day) or 'N' (0..365), and seconds after local midnight.
    char start_kind = 'M', end_kind = 'M';
    int start_m = 0, start_w = 0, start_d = 0, start_n = 0;
    int end_m = 0, end_w = 0, end_d = 0, end_n = 0;
    int32_t start_time = 7200, end_time = 7200;
  };
  static std::optional<RuleData> ParseRule(std::string_view rule);
  int32_t RuleOffsetAt(int64_t utc_s) const;

  std::string name_;
  std::vector<int64_t> transitions_;  // UTC instants, ascending
  std::vector<int32_t> offsets_;      // offset in effect from transitions_[i]
  int32_t initial_offset_ = 0;        // before the first transition
  std::optional<RuleData> rule_;
};

// Monday = 0 ... Sunday = 6, of the local day `local_day` (days since 1970-01-01).
int WeekdayOfDay(int64_t local_day);
// Floor division for days from local seconds (negative-safe).
int64_t LocalDay(int64_t local_s);

}  // namespace aw::core
