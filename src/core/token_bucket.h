#pragma once

// A token bucket: `rate_per_minute` tokens a minute up to `burst`. Pure: the
// caller passes the time and keeps the state. Not thread-safe by itself.

#include <cstdint>

namespace aw::core {

struct TokenBucket {
  double tokens = -1;  // < 0: not started (starts full)
  int64_t last_us = 0;
};

struct TakeResult {
  bool allowed = false;
  int64_t remaining = 0;         // whole tokens left after this request
  int64_t retry_after_s = 0;     // when !allowed: seconds until one token is there (>= 1)
  int64_t reset_after_s = 0;     // seconds until the bucket is full again
};

TakeResult TakeToken(TokenBucket* b, int64_t rate_per_minute, int64_t burst, int64_t now_us);

}  // namespace aw::core
