#pragma once

// Time-ordered identifiers: UUIDv7 (RFC 9562), lowercase, 36 characters,
// e.g. "01936b2e-4a1f-7c3d-8e5f-0123456789ab".
//
// Layout: 48-bit Unix milliseconds | version 7 | 12-bit rand_a | variant 10 |
// 62-bit rand_b. rand_a and the top 30 bits of rand_b form a 42-bit counter
// (RFC 9562 6.2 method 1), seeded randomly whenever the millisecond advances
// and incremented for each further id in the same millisecond; the low 32 bits
// of rand_b are fresh CSPRNG bytes for every id.
//
// Ordering: within one process every id sorts (as a string) strictly after
// every id issued before it, even if `now_micros` repeats or goes backwards:
// the embedded timestamp is max(now, last issued), so after a clock step back
// ids keep the last timestamp until the clock catches up.
//
// Thread-safe (one mutex around the counter).

#include <cstdint>
#include <mutex>
#include <string>
#include <string_view>

namespace aw {

// Id from the process-wide generator.
std::string NewId(int64_t now_micros);

// An independent generator with its own monotonic state (NewId uses one
// shared instance). Useful where a test must not disturb, or be disturbed by,
// ids made elsewhere in the process.
class IdGenerator {
 public:
  std::string Next(int64_t now_micros);

 private:
  std::mutex mu_;
  uint64_t last_ms_ = 0;
  uint64_t counter_ = 0;
};

// True for any UUID written as 36 characters "8-4-4-4-12" of lowercase hex
// (any version or variant). Upper case is rejected: ids are compared as strings.
bool IsValidId(std::string_view id);

// The smallest id string of Unix millisecond `ms` ("xxxxxxxx-xxxx"): ids
// made at or after `ms` sort at or after it.
std::string IdPrefixAt(int64_t ms);
// The Unix milliseconds of an id made by NewId; -1 if `id` is not one.
int64_t IdMillis(std::string_view id);

}  // namespace aw
