#pragma once

// A clock running `offset` ahead of (or behind) the system clock. Used only
// for black-box tests of timed behaviour (SLA breaches, escalation) across a
// restart: `AW_TEST_CLOCK_OFFSET_SECONDS` is honoured only together with
// `AW_TEST_MODE=1`, and `serve` logs a warning at every start while it is set
// (see app/config.cc, docs/incident-response.md).
// Thread-safe.

#include <chrono>
#include <cstdint>

#include "base/clock.h"

namespace aw::services {

class OffsetClock final : public Clock {
 public:
  explicit OffsetClock(int64_t offset_seconds) : offset_(offset_seconds) {}
  TimePoint Now() const override { return std::chrono::system_clock::now() + offset_; }

 private:
  std::chrono::seconds offset_;
};

}  // namespace aw::services
