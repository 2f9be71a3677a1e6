#include "core/token_bucket.h"

#include <algorithm>
#include <cmath>

namespace aw::core {

TakeResult TakeToken(TokenBucket* b, int64_t rate_per_minute, int64_t burst, int64_t now_us) {
  const double per_us = static_cast<double>(rate_per_minute) / 60e6;
  const double cap = static_cast<double>(std::max<int64_t>(burst, 1));
  if (b->tokens < 0) {
    b->tokens = cap;
    b->last_us = now_us;
  }
  if (now_us > b->last_us) {
    b->tokens = std::min(cap, b->tokens + static_cast<double>(now_us - b->last_us) * per_us);
    b->last_us = now_us;
  }
  TakeResult r;
  if (b->tokens >= 1.0) {
    b->tokens -= 1.0;
    r.allowed = true;
  } else {
    double wait_us = per_us > 0 ? (1.0 - b->tokens) / per_us : 60e6;
    r.retry_after_s = std::max<int64_t>(1, static_cast<int64_t>(std::ceil(wait_us / 1e6)));
  }
  r.remaining = static_cast<int64_t>(std::floor(b->tokens));
  double to_full_us = per_us > 0 ? (cap - b->tokens) / per_us : 0;
  r.reset_after_s = static_cast<int64_t>(std::ceil(to_full_us / 1e6));
  return r;
}

}  // namespace aw::core
