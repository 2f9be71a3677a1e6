#include "services/event_hub.h"

#include <algorithm>

#include <nlohmann/json.hpp>
#include <spdlog/spdlog.h>

namespace aw::services {

bool Audience::Entitled(const std::string& event_company_id, const std::string& event_user_id) const {
  if (!event_user_id.empty()) return event_user_id == user_id;
  if (all_companies) return true;
  return std::find(company_ids.begin(), company_ids.end(), event_company_id) != company_ids.end();
}

bool Subscription::Push(const Frame& f) {
  std::lock_guard lock(mu_);
  if (overflowed_) return false;
  if (queue_.size() >= capacity_) {
    overflowed_ = true;
    queue_.clear();
    if (wake_) wake_();
    return true;
  }
  queue_.push_back(f);
  if (queue_.size() == 1 && wake_) wake_();
  return false;
}

bool Subscription::Drain(std::vector<Frame>* out) {
  std::lock_guard lock(mu_);
  if (overflowed_) return false;
  for (auto& f : queue_) out->push_back(std::move(f));
  queue_.clear();
  return true;
}

bool Subscription::overflowed() const {
  std::lock_guard lock(mu_);
  return overflowed_;
}

void Subscription::SetWake(std::function<void()> wake) {
  std::lock_guard lock(mu_);
  wake_ = std::move(wake);
  if (wake_ && (!queue_.empty() || overflowed_)) wake_();
}

void Subscription::ClearWake() {
  std::lock_guard lock(mu_);
  wake_ = nullptr;
}

EventHub::EventHub(EventHubOptions opts, int64_t start_micros)
    : opts_(opts), next_id_(static_cast<uint64_t>(std::max<int64_t>(start_micros, 1))) {}

void EventHub::Publish(Event e) {
  try {
    // Serialised outside the lock: the expensive part runs in parallel.
    nlohmann::json frame = {{"type", e.type}, {"data", std::move(e.data)}, {"id", nullptr}};
    std::lock_guard lock(mu_);
    const uint64_t id = next_id_++;
    frame["id"] = id;
    auto text = std::make_shared<const std::string>(frame.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
    for (const auto& s : subs_) {
      if (s->audience().Entitled(e.company_id, e.user_id) && s->Push(text)) {
        ++overflows_;
        spdlog::warn("live updates: a client of user {} fell {} events behind and is disconnected",
                     s->audience().user_id, opts_.queue_capacity);
      }
    }
    if (opts_.replay_capacity > 0) {
      if (window_.size() >= opts_.replay_capacity) window_.pop_front();
      window_.push_back({id, std::move(e.company_id), std::move(e.user_id), std::move(text)});
    }
    ++published_;
  } catch (const std::exception& ex) {
    spdlog::error("live updates: dropping a {} event: {}", e.type, ex.what());
  }
}

SubscribeResult EventHub::Subscribe(Audience audience, uint64_t after_id) {
  SubscribeResult r;
  r.subscription = std::make_shared<Subscription>(std::move(audience), opts_.queue_capacity);
  std::lock_guard lock(mu_);
  r.last_id = next_id_ - 1;
  if (after_id > 0) {
    if (after_id > r.last_id) {
      r.replay_complete = false;  // an id this process never issued (another process or replica)
    } else if (after_id < r.last_id) {
      r.replay_complete = !window_.empty() && window_.front().id <= after_id + 1;
      // Ids in the window are consecutive: start at the first one after after_id.
      size_t start = 0;
      if (!window_.empty() && after_id >= window_.front().id) start = static_cast<size_t>(after_id - window_.front().id + 1);
      for (size_t i = start; i < window_.size(); ++i) {
        const Retained& ev = window_[i];
        if (!r.subscription->audience().Entitled(ev.company_id, ev.user_id)) continue;
        if (r.subscription->Push(ev.frame)) break;  // more than a queue's worth: the client must reload
        ++r.replayed;
      }
    }
  }
  subs_.push_back(r.subscription);
  return r;
}

void EventHub::Unsubscribe(const std::shared_ptr<Subscription>& s) {
  s->ClearWake();
  std::lock_guard lock(mu_);
  subs_.erase(std::remove(subs_.begin(), subs_.end(), s), subs_.end());
}

uint64_t EventHub::last_id() const {
  std::lock_guard lock(mu_);
  return next_id_ - 1;
}

size_t EventHub::subscriber_count() const {
  std::lock_guard lock(mu_);
  return subs_.size();
}

uint64_t EventHub::published() const {
  std::lock_guard lock(mu_);
  return published_;
}

uint64_t EventHub::overflows() const {
  std::lock_guard lock(mu_);
  return overflows_;
}

}  // namespace aw::services
