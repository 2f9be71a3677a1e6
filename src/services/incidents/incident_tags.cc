#include "services/incidents/incident_tags.h"

#include "base/errors.h"
#include "base/ids.h"
#include "crypto/hash.h"
#include "store/tables.h"

namespace aw::services {

namespace t = store::tables;
using nlohmann::json;

namespace {

constexpr size_t kMaxCached = 100'000;  // companies / tags; beyond it, look up again

std::string TagHex(const std::string& company_id) {
  return crypto::Sha256Hex("incident-tag\n" + company_id).substr(0, 8);
}

// The tag an id carries: its last 8 hex digits.
std::string TailOf(const std::string& incident_id) {
  return IsValidId(incident_id) ? incident_id.substr(28) : "";
}

}  // namespace

store::Key IncidentTags::TagKey(const std::string& tag_hex) { return {"_itag#" + tag_hex, "owner"}; }

std::optional<bool> IncidentTags::Holds(const std::string& company_id) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = holds_.find(company_id);
    if (it != holds_.end()) return it->second;
  }
  const std::string tag = TagHex(company_id);
  const store::Key key = TagKey(tag);
  json item = {{"company_id", key.pk}, {"id", *key.sk}, {"owner", company_id}};
  Status s = ctx_->store->PutItem({t::kIncidents, item, store::Condition::ItemNotExists("company_id")});
  bool holds = s.ok();
  if (s.IsConditionFailed()) {
    // Claimed before: by this company (another replica, an earlier run) or,
    // by a 32-bit collision, by another one.
    auto r = ctx_->store->GetItem({t::kIncidents, key});
    if (!r.ok()) return std::nullopt;
    holds = r->value("owner", "") == company_id;
  } else if (!s.ok()) {
    return std::nullopt;  // not cached: the store decides next time
  }
  std::lock_guard<std::mutex> lock(mu_);
  if (holds_.size() < kMaxCached) holds_[company_id] = holds;
  if (holds && owners_.size() < kMaxCached) owners_[tag] = company_id;
  return holds;
}

std::string IncidentTags::NewIncidentId(const std::string& company_id, int64_t now_us) {
  std::string id = NewId(now_us);
  // NewId's last 32 bits are random bytes (base/ids.h): the tag replaces
  // them. Unique within a process by the counter, across processes by its
  // random seed per millisecond (41 bits) instead of 73 random bits.
  if (Holds(company_id).value_or(false)) id.replace(28, 8, TagHex(company_id));
  return id;
}

bool IncidentTags::Tagged(const std::string& company_id, const std::string& incident_id) {
  return TailOf(incident_id) == TagHex(company_id) && Holds(company_id).value_or(false);
}

std::string IncidentTags::OwnerOf(const std::string& incident_id, bool fresh) {
  const std::string tag = TailOf(incident_id);
  if (tag.empty()) return "";
  {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = owners_.find(tag);
    if (it != owners_.end()) return it->second;
    if (!fresh && unclaimed_.count(tag) > 0) return "";
  }
  auto r = ctx_->store->GetItem({t::kIncidents, TagKey(tag)});
  if (r.status().IsNotFound()) {
    std::lock_guard<std::mutex> lock(mu_);
    if (unclaimed_.size() >= kMaxCached) unclaimed_.clear();
    unclaimed_.insert(tag);
    return "";
  }
  ThrowIfError(r.status(), "incident");
  std::string owner = r->value("owner", "");
  std::lock_guard<std::mutex> lock(mu_);
  unclaimed_.erase(tag);
  if (!owner.empty() && owners_.size() < kMaxCached) owners_[tag] = owner;
  return owner;
}

}  // namespace aw::services
