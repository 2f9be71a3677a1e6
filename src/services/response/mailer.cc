#include "services/response/mailer.h"

#include <algorithm>

#include <spdlog/spdlog.h>

namespace aw::services {

Mailer::Mailer(std::unique_ptr<MailTransport> transport, const Clock* clock, MailerOptions opts)
    : transport_(std::move(transport)), clock_(clock), opts_(opts) {}

Mailer::~Mailer() { Stop(); }

bool Mailer::Enqueue(Email e) {
  {
    std::lock_guard lock(mu_);
    if (queue_.size() >= opts_.queue_capacity) {
      spdlog::warn("email to {} dropped: the mail queue is full ({} waiting; is {} reachable?)", e.to,
                   queue_.size(), transport_->Describe());
      return false;
    }
    queue_.push_back({std::move(e), 0, clock_->NowMicros()});
  }
  cv_.notify_one();
  return true;
}

int Mailer::Tick() {
  const int64_t now = clock_->NowMicros();
  std::vector<Pending> due;
  {
    std::lock_guard lock(mu_);
    for (auto it = queue_.begin(); it != queue_.end();) {
      if (it->due_us <= now) {
        due.push_back(std::move(*it));
        it = queue_.erase(it);
      } else {
        ++it;
      }
    }
  }
  int sent = 0;
  std::vector<Pending> retry;
  for (auto& p : due) {
    ++p.attempts;
    Status s = transport_->Send(p.email);
    if (s.ok()) {
      ++sent;
      spdlog::debug("email to {} sent via {}", p.email.to, transport_->Describe());
      continue;
    }
    const bool permanent = s.code() == Code::kInvalidArgument;
    if (permanent || p.attempts >= opts_.max_attempts) {
      spdlog::error("email to {} (\"{}\") given up after {} attempt(s) via {}: {}", p.email.to, p.email.subject,
                    p.attempts, transport_->Describe(), s.message());
      std::lock_guard lock(mu_);
      ++failed_;
      continue;
    }
    auto delay = opts_.first_retry * (int64_t{1} << std::min(p.attempts - 1, 20));
    delay = std::min<std::chrono::seconds>(delay, opts_.max_retry_delay);
    spdlog::warn("email to {} failed (attempt {} of {}) via {}: {}; retrying in {} s", p.email.to, p.attempts,
                 opts_.max_attempts, transport_->Describe(), s.message(), delay.count());
    p.due_us = clock_->NowMicros() + std::chrono::duration_cast<std::chrono::microseconds>(delay).count();
    retry.push_back(std::move(p));
  }
  std::lock_guard lock(mu_);
  sent_ += static_cast<uint64_t>(sent);
  for (auto& p : retry) queue_.push_back(std::move(p));
  return sent;
}

void Mailer::Start() {
  std::lock_guard lock(mu_);
  if (thread_.joinable()) return;
  stop_ = false;
  thread_ = std::thread([this] {
    std::unique_lock lock(mu_);
    while (!stop_) {
      lock.unlock();
      try {
        Tick();
      } catch (const std::exception& e) {
        spdlog::error("mailer: unexpected error: {}", e.what());
      }
      lock.lock();
      if (stop_) break;
      // Sleep until the next email is due (or one arrives).
      int64_t next = INT64_MAX;
      for (const auto& p : queue_) next = std::min(next, p.due_us);
      auto wait = std::chrono::milliseconds(1000);
      if (next != INT64_MAX) {
        int64_t ms = (next - clock_->NowMicros()) / 1000;
        wait = std::chrono::milliseconds(std::clamp<int64_t>(ms, 0, 1000));
      }
      if (wait.count() > 0) cv_.wait_for(lock, wait);
    }
  });
}

void Mailer::Stop() {
  std::thread t;
  {
    std::lock_guard lock(mu_);
    stop_ = true;
    t = std::move(thread_);
  }
  if (!t.joinable()) return;  // never started, or stopped already (may run after spdlog::shutdown)
  cv_.notify_all();
  t.join();
  std::lock_guard lock(mu_);
  if (!queue_.empty()) spdlog::warn("mailer stopped with {} email(s) unsent", queue_.size());
}

size_t Mailer::queued() const {
  std::lock_guard lock(mu_);
  return queue_.size();
}

uint64_t Mailer::sent() const {
  std::lock_guard lock(mu_);
  return sent_;
}

uint64_t Mailer::failed() const {
  std::lock_guard lock(mu_);
  return failed_;
}

}  // namespace aw::services
