#pragma once

// One background job run every `period` on its own thread: the approval
// expiry, the incident-response (SLA, escalation, heartbeat) tick, the KPI
// flush and the execution recovery sweep all use it instead of a hand-written
// thread + condition-variable loop.
//
// Contract:
// - Start() starts the thread (idempotent). The first run is at once when
//   `run_at_start`, else one period after Start.
// - Between runs the task waits for `period` as measured by the injected
//   clock: a run is due when clock.Now() >= last run's end + period. With the
//   system clock this is an ordinary sleep; a test with a FakeClock moves the
//   clock and calls Wake() to make the task look at it again.
// - Stop() is prompt: it wakes the wait at once and returns when a run in
//   progress has finished (a run is never interrupted). Idempotent; the
//   destructor calls it. Start() after Stop() starts a fresh thread.
// - A run that throws is logged with the task's name and the task goes on
//   at the next period: an exception is never fatal and never ends the loop.
// - A period of zero runs the task once at Start (no repetition).
// Every started task is listed by All() (GET /api/ready reports a task that
// stopped or whose last run ended more than three periods ago).
// Thread-safe. REQUIRES: `fn` does not call Stop() on its own task.

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "base/clock.h"

namespace aw::services {

class PeriodicTask {
 public:
  struct Options {
    std::chrono::milliseconds period{1000};
    bool run_at_start = true;
    const Clock* clock = nullptr;  // nullptr: the system clock
  };

  PeriodicTask(std::string name, Options options, std::function<void()> fn);
  ~PeriodicTask();
  PeriodicTask(const PeriodicTask&) = delete;
  PeriodicTask& operator=(const PeriodicTask&) = delete;

  void Start();
  void Stop();
  // Re-reads the clock now (a run that fell due runs at once).
  void Wake();

  bool running() const;
  // Runs completed so far (thrown ones included).
  int64_t runs() const;
  const std::string& name() const { return name_; }

  struct Health {
    std::string name;
    bool running = false;
    int64_t runs = 0;
    int64_t failed_runs = 0;
    std::chrono::milliseconds period{0};
    // How long since the last run ended (since Start when none has): more
    // than 3 periods (and at least a minute) means the task is stuck or
    // cannot keep up.
    std::chrono::milliseconds since_last_run{0};
    bool late = false;
  };
  Health health() const;
  // Every task started and not stopped in this process, by name.
  static std::vector<Health> All();

 private:
  void Loop();
  void RunOnce();

  const std::string name_;
  const Options options_;
  const std::function<void()> fn_;
  const Clock* clock_;
  mutable std::mutex mu_;
  std::condition_variable cv_;
  bool stop_ = false;
  bool woken_ = false;
  int64_t runs_ = 0;
  int64_t failed_runs_ = 0;
  TimePoint last_end_{};  // last run's end, or Start's time
  std::thread thread_;
};

}  // namespace aw::services
