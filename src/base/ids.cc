#include "base/ids.h"

#include <openssl/rand.h>

#include <cinttypes>
#include <cstdio>
#include <cstdlib>

namespace aw {
namespace {

constexpr int kCounterBits = 42;  // 12 bits rand_a + top 30 bits of rand_b
constexpr uint64_t kCounterMax = (uint64_t{1} << kCounterBits) - 1;
constexpr uint64_t kMillisMax = (uint64_t{1} << 48) - 1;

// OpenSSL's CSPRNG directly, so base/ does not depend on crypto/.
uint64_t RandomU64() {
  unsigned char r[8];
  if (RAND_bytes(r, sizeof r) != 1) {
    std::fprintf(stderr, "fatal: RAND_bytes failed\n");
    std::abort();
  }
  uint64_t v = 0;
  for (unsigned char c : r) v = v << 8 | c;
  return v;
}

// A fresh counter start: random, with its top bit clear so at least 2^41
// increments fit before it overflows (RFC 9562 6.2, "counter rollover guard").
uint64_t SeedCounter() { return RandomU64() & (kCounterMax >> 1); }

void AppendHex(std::string* out, uint64_t v, int nibbles) {
  static constexpr char kHex[] = "0123456789abcdef";
  for (int i = nibbles - 1; i >= 0; --i) *out += kHex[(v >> (4 * i)) & 15];
}

}  // namespace

std::string NewId(int64_t now_micros) {
  static IdGenerator generator;
  return generator.Next(now_micros);
}

std::string IdGenerator::Next(int64_t now_micros) {
  uint64_t now_ms = now_micros <= 0 ? 0 : static_cast<uint64_t>(now_micros / 1000);
  if (now_ms > kMillisMax) now_ms = kMillisMax;
  uint64_t tail = RandomU64() & 0xffffffffu;  // drawn outside the lock

  uint64_t ms, counter;
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (now_ms > last_ms_) {
      last_ms_ = now_ms;
      counter_ = SeedCounter();
    } else if (counter_ < kCounterMax) {
      ++counter_;
    } else {
      // Counter exhausted within one millisecond: borrow the next millisecond.
      ++last_ms_;
      counter_ = SeedCounter();
    }
    ms = last_ms_;
    counter = counter_;
  }

  uint64_t rand_a = counter >> 30;                    // 12 bits
  uint64_t rand_b_high = counter & ((1u << 30) - 1);  // 30 bits
  uint64_t hi = ms << 16 | uint64_t{7} << 12 | rand_a;
  uint64_t lo = uint64_t{2} << 62 | rand_b_high << 32 | tail;

  std::string out;
  out.reserve(36);
  AppendHex(&out, hi >> 32, 8);
  out += '-';
  AppendHex(&out, hi >> 16 & 0xffff, 4);
  out += '-';
  AppendHex(&out, hi & 0xffff, 4);
  out += '-';
  AppendHex(&out, lo >> 48, 4);
  out += '-';
  AppendHex(&out, lo & 0xffffffffffffULL, 12);
  return out;
}

std::string IdPrefixAt(int64_t ms) {
  char buf[32];
  uint64_t v = static_cast<uint64_t>(ms < 0 ? 0 : ms) & 0xFFFFFFFFFFFFULL;
  std::snprintf(buf, sizeof buf, "%08" PRIx64 "-%04" PRIx64, v >> 16, v & 0xFFFF);
  return buf;
}

int64_t IdMillis(std::string_view id) {
  if (!IsValidId(id) || id[14] != '7') return -1;
  int64_t ms = 0;
  for (size_t i = 0; i < 13; ++i) {
    if (i == 8) continue;  // the dash
    const char c = id[i];
    ms = ms * 16 + (c <= '9' ? c - '0' : c - 'a' + 10);
  }
  return ms;
}

bool IsValidId(std::string_view id) {
  if (id.size() != 36) return false;
  for (size_t i = 0; i < id.size(); ++i) {
    char c = id[i];
    if (i == 8 || i == 13 || i == 18 || i == 23) {
      if (c != '-') return false;
    } else if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) {
      return false;
    }
  }
  return true;
}

}  // namespace aw
