#include "services/intake/repeat_index.h"

namespace aw::services {

std::string RepeatIndex::Key(const std::string& company_id, const std::string& claim_id) {
  std::string key = company_id;
  key += '\n';
  key += claim_id;
  return key;
}

const RepeatIndex::Claim* RepeatIndex::Find(const std::string& company_id, const std::string& claim_id,
                                            int64_t now_us) const {
  auto it = claims_.find(Key(company_id, claim_id));
  if (it == claims_.end() || now_us - it->second.created_us >= kLifetimeMicros) return nullptr;
  return &it->second;
}

void RepeatIndex::Set(const std::string& company_id, const std::string& claim_id, std::string alert_id,
                      int64_t created_us) {
  std::string key = Key(company_id, claim_id);
  auto [it, inserted] = claims_.try_emplace(key);
  if (!inserted && it->second.created_us > created_us) return;
  it->second.alert_id = std::move(alert_id);
  it->second.created_us = created_us;
  order_.emplace_back(created_us, std::move(key));
}

void RepeatIndex::Expire(int64_t now_us) {
  while (!order_.empty() && now_us - order_.front().first >= kLifetimeMicros) {
    auto it = claims_.find(order_.front().second);
    // Only the entry of the claim's current time removes it.
    if (it != claims_.end() && it->second.created_us == order_.front().first) claims_.erase(it);
    order_.pop_front();
  }
}

}  // namespace aw::services
