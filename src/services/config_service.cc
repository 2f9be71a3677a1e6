#include "services/config_service.h"

#include "base/errors.h"
#include "store/tables.h"

namespace aw::services {

namespace t = store::tables;
using nlohmann::json;

std::optional<json> ConfigService::Get(const std::string& company_id, const std::string& config_type) {
  const std::string key = company_id + '\n' + config_type;
  const int64_t now = ctx_->clock->NowMicros();
  {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = cache_.find(key);
    if (it != cache_.end() &&
        now - it->second.fetched_us < std::chrono::duration_cast<std::chrono::microseconds>(kCacheTtl).count()) {
      return it->second.value;
    }
  }
  auto r = ctx_->store->GetItem({t::kCompanyConfigs, {company_id, config_type}});
  std::optional<json> value;
  if (r.ok()) {
    value = std::move(r).value();
    value->erase("company_id");
    value->erase("config_type");
  } else if (!r.status().IsNotFound()) {
    ThrowIfError(r.status(), "configuration");
  }
  std::lock_guard<std::mutex> lock(mu_);
  if (cache_.size() > 100000) cache_.clear();
  cache_[key] = {value, now};
  return value;
}

void ConfigService::Put(const std::string& company_id, const std::string& config_type, json value) {
  value["company_id"] = company_id;
  value["config_type"] = config_type;
  value["updated_at"] = ctx_->Now();
  ThrowIfError(ctx_->store->PutItem({t::kCompanyConfigs, value, {}}), "configuration");
  Invalidate(company_id, config_type);
}

void ConfigService::Delete(const std::string& company_id, const std::string& config_type) {
  ThrowIfError(ctx_->store->DeleteItem({t::kCompanyConfigs, {company_id, config_type}, {}}), "configuration");
  Invalidate(company_id, config_type);
}

void ConfigService::Invalidate(const std::string& company_id, const std::string& config_type) {
  std::lock_guard<std::mutex> lock(mu_);
  cache_.erase(company_id + '\n' + config_type);
}

void ReadBool(const json& o, const char* key, bool* out) {
  if (!o.is_object()) return;
  auto it = o.find(key);
  if (it != o.end() && it->is_boolean()) *out = it->get<bool>();
}

void ReadInt(const json& o, const char* key, int* out, int64_t lo, int64_t hi) {
  if (!o.is_object()) return;
  auto it = o.find(key);
  if (it == o.end() || !it->is_number_integer()) return;
  const int64_t v = it->get<int64_t>();
  if (v >= lo && v <= hi) *out = static_cast<int>(v);
}

int IntOr(const json& o, const char* key, int fallback) {
  if (!o.is_object()) return fallback;
  auto it = o.find(key);
  return it != o.end() && it->is_number_integer() ? it->get<int>() : fallback;
}

}  // namespace aw::services
