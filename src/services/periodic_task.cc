#include "services/periodic_task.h"

#include <algorithm>
#include <exception>
#include <utility>

#include <spdlog/spdlog.h>

namespace aw::services {

PeriodicTask::PeriodicTask(std::string name, Options options, std::function<void()> fn)
    : name_(std::move(name)),
      options_(options),
      fn_(std::move(fn)),
      clock_(options.clock != nullptr ? options.clock : SystemClock::Default()) {}

PeriodicTask::~PeriodicTask() { Stop(); }

void PeriodicTask::Start() {
  std::lock_guard lock(mu_);
  if (thread_.joinable()) return;
  stop_ = false;
  woken_ = false;
  thread_ = std::thread([this] { Loop(); });
}

void PeriodicTask::Stop() {
  std::thread t;
  {
    std::lock_guard lock(mu_);
    stop_ = true;
    t = std::move(thread_);
  }
  cv_.notify_all();
  if (t.joinable()) t.join();
}

void PeriodicTask::Wake() {
  {
    std::lock_guard lock(mu_);
    woken_ = true;
  }
  cv_.notify_all();
}

bool PeriodicTask::running() const {
  std::lock_guard lock(mu_);
  return thread_.joinable() && !stop_;
}

int64_t PeriodicTask::runs() const {
  std::lock_guard lock(mu_);
  return runs_;
}

void PeriodicTask::RunOnce() {
  try {
    fn_();
  } catch (const std::exception& e) {
    spdlog::error("periodic task {}: run failed: {}", name_, e.what());
  } catch (...) {
    spdlog::error("periodic task {}: run failed with a non-standard exception", name_);
  }
  std::lock_guard lock(mu_);
  ++runs_;
}

void PeriodicTask::Loop() {
  const auto period = options_.period;
  std::unique_lock lock(mu_);
  auto due = options_.run_at_start ? clock_->Now() : clock_->Now() + period;
  while (!stop_) {
    const auto now = clock_->Now();
    if (now >= due) {
      lock.unlock();
      RunOnce();
      lock.lock();
      if (period.count() <= 0) return;  // run once
      due = clock_->Now() + period;
      continue;
    }
    // Never sleep longer than one period of real time: a fake clock that is
    // moved without Wake() is still noticed.
    auto wait = std::min<std::chrono::milliseconds>(
        std::chrono::ceil<std::chrono::milliseconds>(due - now), std::max(period, std::chrono::milliseconds(1)));
    cv_.wait_for(lock, wait, [this] { return stop_ || woken_; });
    woken_ = false;
  }
}

}  // namespace aw::services
