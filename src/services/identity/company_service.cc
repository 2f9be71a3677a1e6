#include "services/identity/company_service.h"

#include <spdlog/spdlog.h>

#include "base/errors.h"
#include "base/ids.h"
#include "crypto/hash.h"
#include "services/paging.h"
#include "store/tables.h"

namespace aw::services {

namespace t = store::tables;
using nlohmann::json;

namespace {

constexpr const char* kCompaniesDirectory = "companies";

std::string NewApiKey() { return "aw_" + crypto::Base64UrlEncode(crypto::RandomBytes(32)); }

void ValidateName(const std::string& name) {
  if (name.empty()) ThrowInvalidField("name", "must not be empty");
  if (name.size() > 200) ThrowInvalidField("name", "must be at most 200 characters long");
}

}  // namespace

json CompanyService::Create(const std::string& name, const std::string& fixed_id) {
  ValidateName(name);
  const std::string id = fixed_id.empty() ? NewId(ctx_->clock->NowMicros()) : fixed_id;
  const std::string key = NewApiKey();
  const std::string now = ctx_->Now();
  json item = {
      {"id", id},
      {"name", name},
      {"directory", kCompaniesDirectory},
      {"api_key", crypto::Sha256Hex(key)},
      {"api_key_enc", ctx_->secrets->Seal(key, id)},
      {"api_key_prefix", key.substr(0, 7)},
      {"api_key_created_at", now},
      {"policy", {{"auto_approve_low_risk", false}}},
      {"created_at", now},
      {"updated_at", now},
  };
  Status s = ctx_->store->PutItem({t::kCompanies, item, store::Condition::ItemNotExists("id")});
  if (s.IsConditionFailed()) {
    auto existing = Find(id);
    if (existing) return *existing;
  }
  ThrowIfError(s, "company");
  return item;
}

std::optional<json> CompanyService::Find(const std::string& id) {
  if (id.empty()) return std::nullopt;
  auto r = ctx_->store->GetItem({t::kCompanies, {id, std::nullopt}});
  if (r.status().IsNotFound()) return std::nullopt;
  ThrowIfError(r.status(), "company");
  return std::move(r).value();
}

json CompanyService::GetVisible(const Principal& p, const std::string& id) {
  if (!p.CanSeeCompany(id)) ThrowNotFound("company");
  auto c = Find(id);
  if (!c) ThrowNotFound("company");
  return View(p, *c);
}

Page CompanyService::List(const Principal& p, int limit, const std::string& cursor) {
  Page page;
  if (p.IsMspAdmin()) {
    store::QueryRequest q;
    q.table = t::kCompanies;
    q.index = t::kDirectoryIndex;
    q.pk = kCompaniesDirectory;
    q.limit = limit;
    q.page_token = cursor;
    auto r = ctx_->store->Query(q);
    if (r.status().code() == Code::kInvalidArgument) ThrowInvalidField("cursor", "invalid");
    ThrowIfError(r.status(), "company");
    for (const auto& it : r->items) page.items.push_back(View(p, it));
    page.next_cursor = r->next_page_token;
    return page;
  }
  // Everyone else: their own companies (a handful), by key.
  std::vector<store::Key> keys;
  for (const auto& id : p.company_ids) keys.push_back({id, std::nullopt});
  if (keys.empty()) return page;
  auto r = ctx_->store->BatchGetItem(t::kCompanies, keys);
  ThrowIfError(r.status(), "company");
  std::vector<json> items = std::move(r).value();
  std::sort(items.begin(), items.end(),
            [](const json& a, const json& b) { return a.value("name", "") < b.value("name", ""); });
  for (const auto& it : items) page.items.push_back(View(p, it));
  return page;
}

json CompanyService::Rename(const std::string& id, const std::string& name) {
  ValidateName(name);
  store::UpdateRequest u;
  u.table = t::kCompanies;
  u.key = {id, std::nullopt};
  u.condition = store::Condition::ItemExists("id");
  u.Set("name", name).Set("updated_at", ctx_->Now());
  auto r = ctx_->store->UpdateItem(u);
  if (r.status().IsConditionFailed()) ThrowNotFound("company");
  ThrowIfError(r.status(), "company");
  return std::move(r).value();
}

void CompanyService::Delete(const std::string& id) {
  Status s = ctx_->store->DeleteItem({t::kCompanies, {id, std::nullopt}, store::Condition::ItemExists("id")});
  ForgetApiKeys();
  if (s.IsConditionFailed()) ThrowNotFound("company");
  ThrowIfError(s, "company");
}

json CompanyService::RegenerateApiKey(const std::string& id) {
  const std::string key = NewApiKey();
  const std::string now = ctx_->Now();
  store::UpdateRequest u;
  u.table = t::kCompanies;
  u.key = {id, std::nullopt};
  u.condition = store::Condition::ItemExists("id");
  u.Set("api_key", crypto::Sha256Hex(key))
      .Set("api_key_enc", ctx_->secrets->Seal(key, id))
      .Set("api_key_prefix", key.substr(0, 7))
      .Set("api_key_created_at", now)
      .Set("updated_at", now);
  auto r = ctx_->store->UpdateItem(u);
  // After the write (whatever its outcome): a lookup that read the old key
  // before it either lands in the cache now cleared, or began under the old
  // generation and is not kept; one that starts later reads the new key.
  ForgetApiKeys();
  if (r.status().IsConditionFailed()) ThrowNotFound("company");
  ThrowIfError(r.status(), "company");
  spdlog::info("API key of company {} regenerated", id);
  return {{"company_id", id}, {"api_key", key}, {"api_key_created_at", now}};
}

Result<std::vector<std::string>> AllCompanyIds(store::Store* store) {
  std::vector<std::string> ids;
  store::QueryRequest q;
  q.table = t::kCompanies;
  q.index = t::kDirectoryIndex;
  q.pk = kCompaniesDirectory;
  q.limit = 100;
  Status s = ForEachItem(store, q, [&](store::Item& c) {
    if (std::string id = c.value("id", ""); !id.empty()) ids.push_back(std::move(id));
    return true;
  });
  if (!s.ok()) return s;
  return ids;
}

std::optional<json> CompanyService::FindByApiKey(const std::string& api_key) {
  if (api_key.size() < 8 || api_key.size() > 128) return std::nullopt;
  const std::string digest = crypto::Sha256Hex(api_key);
  store::QueryRequest q;
  q.table = t::kCompanies;
  q.index = t::kApiKeyIndex;
  q.pk = digest;
  q.limit = 2;
  auto r = ctx_->store->Query(q);
  ThrowIfError(r.status(), "company");
  for (const auto& it : r->items) {
    // The GSI may lag on DynamoDB: confirm on the table that this key is
    // still the company's current one, so a rotated key fails at once.
    auto fresh = Find(it.value("id", ""));
    if (fresh && crypto::ConstantTimeEquals(fresh->value("api_key", ""), digest)) return fresh;
  }
  return std::nullopt;
}

std::string CompanyService::CompanyIdForApiKey(const std::string& api_key) {
  if (api_key.size() < 8 || api_key.size() > 128) return "";
  const std::string digest = crypto::Sha256Hex(api_key);
  const int64_t now_us = ctx_->clock->NowMicros();
  uint64_t generation;
  {
    std::lock_guard<std::mutex> lock(key_mu_);
    if (auto it = key_cache_.find(digest); it != key_cache_.end()) {
      if (it->second.expires_us == 0 || now_us < it->second.expires_us) return it->second.company_id;
      key_cache_.erase(it);  // stale: read it again
    }
    generation = key_generation_;
  }
  auto company = FindByApiKey(api_key);
  if (!company) return "";  // unknown keys are not remembered (any string could be sent)
  std::string id = company->value("id", "");
  std::lock_guard<std::mutex> lock(key_mu_);
  // A rotation or deletion since the read began may have made `company`
  // stale: answer from the read, but do not keep it.
  if (generation == key_generation_) {
    if (key_cache_.size() >= 100'000) key_cache_.clear();
    key_cache_[digest] = {id, key_ttl_us_ == 0 ? 0 : now_us + key_ttl_us_};
  }
  return id;
}

void CompanyService::ForgetApiKeys() {
  std::lock_guard<std::mutex> lock(key_mu_);
  key_cache_.clear();
  ++key_generation_;
}

std::string CompanyService::RevealApiKey(const json& item) const {
  auto key = ctx_->secrets->Open(item.value("api_key_enc", ""), item.value("id", ""));
  if (!key.ok()) {
    spdlog::error("cannot decrypt the API key of company {}: {} (was AW_MASTER_KEY changed?)",
                  item.value("id", ""), key.status().message());
    return "";
  }
  return *key;
}

json CompanyService::View(const Principal& p, const json& item) const {
  json out = json::object();
  for (const char* k : {"id", "name", "policy", "created_at", "updated_at", "api_key_created_at"}) {
    if (item.contains(k)) out[k] = item[k];
  }
  const std::string id = item.value("id", "");
  if (p.IsCompanyAdminOf(id)) {
    out["api_key"] = RevealApiKey(item);
  } else {
    out.erase("api_key_created_at");
  }
  return out;
}

}  // namespace aw::services
