#include "services/event_hub.h"

#include <algorithm>

#include <nlohmann/json.hpp>
#include <spdlog/spdlog.h>

#include "core/ws_frame.h"

namespace aw::services {

using nlohmann::json;

std::string_view WireFrame::payload() const { return std::string_view(buf).substr(core::kWsMaxHeaderBytes); }

Frame EncodeEvent(const std::string& type, const json& data, uint64_t id) {
  auto f = std::make_shared<WireFrame>();
  const std::string body = data.dump(-1, ' ', false, json::error_handler_t::replace);
  const std::string type_json = json(type).dump(-1, ' ', false, json::error_handler_t::replace);
  std::string& b = f->buf;
  b.reserve(core::kWsMaxHeaderBytes + body.size() + type_json.size() + 48);
  b.assign(core::kWsMaxHeaderBytes, '\0');
  b += R"({"type":)";
  b += type_json;
  b += R"(,"data":)";
  b += body;
  b += R"(,"id":)";
  b += std::to_string(id);
  b += '}';
  f->offset = core::WsFrameInPlace(b, core::WsOpcode::kText);
  if (type == "incident_updated" && data.is_object()) {
    auto it = data.find("id");
    if (it != data.end() && it->is_string()) f->coalesce_key = it->get<std::string>();
  }
  return f;
}

bool Audience::Entitled(const std::string& event_company_id, const std::string& event_user_id) const {
  if (!event_user_id.empty()) return event_user_id == user_id;
  if (all_companies) return true;
  return std::find(company_ids.begin(), company_ids.end(), event_company_id) != company_ids.end();
}

Subscription::PushResult Subscription::Push(const Frame& f) {
  std::lock_guard lock(mu_);
  if (overflowed_) return PushResult::kDropped;
  const size_t size = f->bytes().size();
  // One frame larger than the whole budget still goes to a client that is
  // not behind: the budget bounds a client's lag, not an event's size.
  if (!queue_.empty() && queued_bytes_ + size > capacity_bytes_) {
    overflowed_ = true;
    queue_.clear();
    by_key_.clear();
    queued_bytes_ = 0;
    if (wake_) wake_();
    return PushResult::kOverflowed;
  }
  PushResult result = PushResult::kQueued;
  const bool was_empty = queue_.empty();
  if (!f->coalesce_key.empty()) {
    auto [it, inserted] = by_key_.try_emplace(f->coalesce_key, 0);
    if (!inserted) {
      Frame& older = queue_[static_cast<size_t>(it->second - head_seq_)];
      queued_bytes_ -= older->bytes().size();
      older.reset();
      result = PushResult::kCoalesced;
    }
    it->second = head_seq_ + queue_.size();
  }
  queue_.push_back(f);
  queued_bytes_ += size;
  if (was_empty && wake_) wake_();
  return result;
}

bool Subscription::Drain(std::vector<Frame>* out) {
  std::lock_guard lock(mu_);
  if (overflowed_) return false;
  for (auto& f : queue_) {
    if (f) out->push_back(std::move(f));
  }
  head_seq_ += queue_.size();
  queue_.clear();
  by_key_.clear();
  queued_bytes_ = 0;
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
    // Encoding happens under the lock, at most once, and only for an event
    // someone receives now (FrameOf): ids and queue order must agree.
    std::lock_guard lock(mu_);
    Retained ev{next_id_++, std::move(e.company_id), std::move(e.user_id), e.type, std::move(e.data), nullptr};
    for (const auto& s : subs_) {
      if (s->audience().Entitled(ev.company_id, ev.user_id)) Deliver(*s, FrameOf(ev));
    }
    if (opts_.replay_capacity > 0) {
      if (window_.size() >= opts_.replay_capacity) window_.pop_front();
      window_.push_back(std::move(ev));
    }
    ++published_;
  } catch (const std::exception& ex) {
    spdlog::error("live updates: dropping a {} event: {}", e.type, ex.what());
  }
}

void EventHub::Deliver(Subscription& s, const Frame& f) {
  switch (s.Push(f)) {
    case Subscription::PushResult::kOverflowed:
      ++overflows_;
      spdlog::warn("live updates: a client of user {} fell more than {} KiB of events behind and is disconnected",
                   s.audience().user_id, opts_.queue_bytes / 1024);
      break;
    case Subscription::PushResult::kCoalesced:
      ++coalesced_;
      break;
    case Subscription::PushResult::kQueued:
    case Subscription::PushResult::kDropped:
      break;
  }
}

const Frame& EventHub::FrameOf(Retained& ev) {
  if (!ev.frame) {
    ev.frame = EncodeEvent(ev.type, ev.data, ev.id);
    ev.data = nullptr;
    ++encoded_;
  }
  return ev.frame;
}

SubscribeResult EventHub::Subscribe(Audience audience, uint64_t after_id) {
  SubscribeResult r;
  r.subscription = std::make_shared<Subscription>(std::move(audience), opts_.queue_bytes);
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
        Retained& ev = window_[i];
        if (!r.subscription->audience().Entitled(ev.company_id, ev.user_id)) continue;
        // More than a queue's worth: the client is cut off and must reload.
        if (r.subscription->Push(FrameOf(ev)) == Subscription::PushResult::kOverflowed) break;
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

uint64_t EventHub::encoded() const {
  std::lock_guard lock(mu_);
  return encoded_;
}

uint64_t EventHub::coalesced() const {
  std::lock_guard lock(mu_);
  return coalesced_;
}

}  // namespace aw::services
