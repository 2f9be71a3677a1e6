#include "services/intake/webhook_replay.h"

#include <spdlog/spdlog.h>

#include "store/tables.h"

namespace aw::services {

namespace t = store::tables;
using nlohmann::json;

namespace {

std::string ItemId(const SignedDelivery& d) { return "whsig#" + d.signature; }

}  // namespace

std::optional<std::string> SignedDeliveryLog::Accepted(const std::string& company_id, const SignedDelivery& d) {
  if (shared_) {
    auto r = ctx_->store->GetItem({t::kAlerts, {company_id, ItemId(d)}});
    if (r.ok()) return r->value("alert_id", "");
    if (!r.status().IsNotFound()) {
      spdlog::warn("signed-delivery log of company {}: {}; treating the request as new", company_id,
                   r.status().message());
    }
    return std::nullopt;
  }
  std::lock_guard lock(mu_);
  auto it = entries_.find(company_id + '\n' + d.signature);
  if (it == entries_.end() || it->second.expires_s < ctx_->clock->NowSeconds()) return std::nullopt;
  return it->second.alert_id;
}

void SignedDeliveryLog::Record(const std::string& company_id, const SignedDelivery& d, const std::string& alert_id) {
  if (shared_) {
    json item = {{"company_id", company_id},
                 {"id", ItemId(d)},
                 {"kind", "signed_delivery"},
                 {"alert_id", alert_id},
                 {"ttl", d.expires_s + 1}};
    Status s = ctx_->store->PutItem({t::kAlerts, item, store::Condition::ItemNotExists("company_id")});
    if (!s.ok() && !s.IsConditionFailed()) {
      spdlog::warn("signed-delivery log of company {}: cannot record a delivery: {}", company_id, s.message());
    }
    return;
  }
  const int64_t now = ctx_->clock->NowSeconds();
  std::lock_guard lock(mu_);
  PruneLocked(now);
  std::string key = company_id + '\n' + d.signature;
  if (!entries_.emplace(key, Entry{d.expires_s, alert_id}).second) return;
  order_.emplace_back(d.expires_s, std::move(key));
  if (entries_.size() > kMaxRemembered) {
    // Bounded memory wins over remembering everything: the oldest entry goes.
    entries_.erase(order_.front().second);
    order_.pop_front();
    if (now - last_eviction_warning_s_ >= 60) {
      last_eviction_warning_s_ = now;
      spdlog::warn("signed-delivery log full ({} deliveries in their window): forgetting the oldest early; "
                   "lower the webhook rate limits or the signature window",
                   kMaxRemembered);
    }
  }
}

void SignedDeliveryLog::PruneLocked(int64_t now_s) {
  // Windows end roughly in insertion order (timestamps are within the skew
  // of "now"); an entry that ends later than the one before it is dropped a
  // little late, never early.
  while (!order_.empty() && order_.front().first < now_s) {
    auto it = entries_.find(order_.front().second);
    if (it != entries_.end() && it->second.expires_s == order_.front().first) entries_.erase(it);
    order_.pop_front();
  }
}

}  // namespace aw::services
