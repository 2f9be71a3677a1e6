#pragma once

// Clock: the one source of "now" for services and workers, injected so tests
// move time forward instead of sleeping. Implementations are thread-safe.

#include <atomic>
#include <chrono>
#include <cstdint>

namespace aw {

using TimePoint = std::chrono::system_clock::time_point;

class Clock {
 public:
  virtual ~Clock() = default;
  virtual TimePoint Now() const = 0;
  int64_t NowMicros() const {
    return std::chrono::duration_cast<std::chrono::microseconds>(Now().time_since_epoch()).count();
  }
  int64_t NowSeconds() const {
    return std::chrono::duration_cast<std::chrono::seconds>(Now().time_since_epoch()).count();
  }
};

class SystemClock final : public Clock {
 public:
  TimePoint Now() const override { return std::chrono::system_clock::now(); }
  static SystemClock* Default();
};

// A clock that only moves when told to.
class FakeClock final : public Clock {
 public:
  explicit FakeClock(int64_t start_micros = 1'700'000'000'000'000) : micros_(start_micros) {}
  TimePoint Now() const override {
    return TimePoint(std::chrono::microseconds(micros_.load()));
  }
  void Advance(std::chrono::microseconds d) { micros_ += d.count(); }
  void SetMicros(int64_t m) { micros_ = m; }

 private:
  std::atomic<int64_t> micros_;
};

}  // namespace aw
