#include "services/periodic_task.h"

#include <algorithm>
#include <exception>
#include <utility>

#include <spdlog/spdlog.h>

namespace aw::services {

namespace {

// The started tasks, for All(). Lock order: this mutex, then a task's mu_.
std::mutex g_tasks_mu;
std::vector<PeriodicTask*>& Tasks() {
  static std::vector<PeriodicTask*> tasks;
  return tasks;
}

void Unlist(PeriodicTask* t) {
  std::lock_guard lock(g_tasks_mu);
  auto& v = Tasks();
  v.erase(std::remove(v.begin(), v.end(), t), v.end());
}

}  // namespace

PeriodicTask::PeriodicTask(std::string name, Options options, std::function<void()> fn)
    : name_(std::move(name)),
      options_(options),
      fn_(std::move(fn)),
      clock_(options.clock != nullptr ? options.clock : SystemClock::Default()) {}

PeriodicTask::~PeriodicTask() { Stop(); }

void PeriodicTask::Start() {
  {
    std::lock_guard lock(mu_);
    if (thread_.joinable()) return;
    stop_ = false;
    woken_ = false;
    last_end_ = clock_->Now();
    thread_ = std::thread([this] { Loop(); });
  }
  std::lock_guard lock(g_tasks_mu);
  auto& v = Tasks();
  if (std::find(v.begin(), v.end(), this) == v.end()) v.push_back(this);
}

void PeriodicTask::Stop() {
  Unlist(this);
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

PeriodicTask::Health PeriodicTask::health() const {
  std::lock_guard lock(mu_);
  Health h;
  h.name = name_;
  h.running = thread_.joinable() && !stop_;
  h.runs = runs_;
  h.failed_runs = failed_runs_;
  h.period = options_.period;
  h.since_last_run = std::chrono::duration_cast<std::chrono::milliseconds>(clock_->Now() - last_end_);
  h.late = h.running && h.period.count() > 0 &&
           h.since_last_run > std::max<std::chrono::milliseconds>(3 * h.period, std::chrono::minutes(1));
  return h;
}

std::vector<PeriodicTask::Health> PeriodicTask::All() {
  std::lock_guard lock(g_tasks_mu);
  std::vector<Health> out;
  for (const PeriodicTask* t : Tasks()) out.push_back(t->health());
  std::sort(out.begin(), out.end(), [](const Health& a, const Health& b) { return a.name < b.name; });
  return out;
}

void PeriodicTask::RunOnce() {
  bool failed = true;
  try {
    fn_();
    failed = false;
  } catch (const std::exception& e) {
    spdlog::error("periodic task {}: run failed: {}", name_, e.what());
  } catch (...) {
    spdlog::error("periodic task {}: run failed with a non-standard exception", name_);
  }
  std::lock_guard lock(mu_);
  ++runs_;
  if (failed) ++failed_runs_;
  last_end_ = clock_->Now();
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
