#include "services/intake/asset_service.h"

#include "base/errors.h"
#include "store/tables.h"

namespace aw::services {

namespace t = store::tables;
using nlohmann::json;

namespace {

constexpr const char* kPrefix = "asset#";

std::string Sk(const std::string& id) { return kPrefix + id; }

}  // namespace

std::optional<AssetInfo> AssetService::Cached(const std::string& company_id, const std::string& name) {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = cache_.find(company_id + '\n' + name);
  if (it == cache_.end()) return std::nullopt;
  return it->second;
}

void AssetService::Remember(const std::string& company_id, const AssetInfo& info) {
  std::lock_guard<std::mutex> lock(mu_);
  if (cache_.size() > 200000) cache_.clear();
  cache_[company_id + '\n' + info.id] = info;
}

json AssetService::AutoRegistered(const std::string& company_id, const std::string& name) const {
  return {{"company_id", company_id}, {"config_type", Sk(name)}, {"id", name}, {"name", name},
          {"type", "unknown"}, {"os", ""}, {"is_critical", false}, {"tags", json::array()},
          {"auto_registered", true}, {"created_at", ctx_->Now()}, {"updated_at", ctx_->Now()}};
}

AssetInfo AssetService::Touch(const std::string& company_id, const std::string& name) {
  if (auto known = Cached(company_id, name)) return *known;
  AssetInfo info{name, false};
  // Registered first, read only if it exists: a new host (the usual reason
  // for a cache miss in a storm) costs one write and no read; a known asset
  // missing from this process's cache costs one failed conditional write
  // once. Deferred: the intake that registers it syncs before it answers.
  Status s = ctx_->store->PutItem({t::kCompanyConfigs, AutoRegistered(company_id, name),
                                   store::Condition::ItemNotExists("company_id"), /*defer_sync=*/true});
  if (s.IsConditionFailed()) {
    auto r = ctx_->store->GetItem({t::kCompanyConfigs, {company_id, Sk(name)}});
    if (r.ok()) {
      info.is_critical = r->value("is_critical", false);
    } else if (!r.status().IsNotFound()) {
      ThrowIfError(r.status(), "asset");
    }
  } else {
    ThrowIfError(s, "asset");
  }
  Remember(company_id, info);
  return info;
}

AssetInfo AssetService::TouchLocal(TxnItems& items, const std::string& company_id, const std::string& name,
                                   bool* remember) {
  *remember = false;
  if (auto known = Cached(company_id, name)) return *known;
  AssetInfo info{name, false};
  const store::Key key{company_id, Sk(name)};
  if (const json* item = items.Get(t::kCompanyConfigs, key)) {
    info.is_critical = item->value("is_critical", false);
  } else {
    items.Put(t::kCompanyConfigs, key, AutoRegistered(company_id, name));
  }
  *remember = true;
  return info;
}

void AssetService::Forget(const std::string& company_id, const std::string& asset_id) {
  std::lock_guard<std::mutex> lock(mu_);
  cache_.erase(company_id + '\n' + asset_id);
}

json AssetService::View(const json& item) {
  json out = json::object();
  for (const char* k : {"id", "company_id", "name", "type", "os", "is_critical", "tags", "auto_registered",
                        "created_at", "updated_at"}) {
    if (item.contains(k)) out[k] = item[k];
  }
  return out;
}

Page AssetService::List(const std::string& company_id, int limit, const std::string& cursor) {
  store::QueryRequest q;
  q.table = t::kCompanyConfigs;
  q.pk = company_id;
  q.sk = {store::SortCondition::Op::kBeginsWith, kPrefix, ""};
  q.limit = limit;
  q.page_token = cursor;
  auto r = ctx_->store->Query(q);
  if (r.status().code() == Code::kInvalidArgument) ThrowInvalidField("cursor", "invalid");
  ThrowIfError(r.status(), "asset");
  Page page;
  for (const auto& it : r->items) page.items.push_back(View(it));
  page.next_cursor = r->next_page_token;
  return page;
}

std::optional<json> AssetService::Find(const std::string& company_id, const std::string& asset_id) {
  auto r = ctx_->store->GetItem({t::kCompanyConfigs, {company_id, Sk(asset_id)}});
  if (r.status().IsNotFound()) return std::nullopt;
  ThrowIfError(r.status(), "asset");
  return std::move(r).value();
}

json AssetService::Create(const std::string& company_id, const json& f) {
  const std::string name = f.at("name").get<std::string>();
  json item = {{"company_id", company_id}, {"config_type", Sk(name)}, {"id", name}, {"name", name},
               {"type", f.value("type", "server")}, {"os", f.value("os", "")},
               {"is_critical", f.value("is_critical", false)}, {"tags", f.value("tags", json::array())},
               {"created_at", ctx_->Now()}, {"updated_at", ctx_->Now()}};
  Status s = ctx_->store->PutItem({t::kCompanyConfigs, item, store::Condition::ItemNotExists("company_id")});
  if (s.IsConditionFailed()) Throw(ErrorKind::kConflict, "asset_exists", "an asset named " + name + " exists");
  ThrowIfError(s, "asset");
  Forget(company_id, name);
  return View(item);
}

json AssetService::Update(const std::string& company_id, const std::string& asset_id, const json& f) {
  store::UpdateRequest u;
  u.table = t::kCompanyConfigs;
  u.key = {company_id, Sk(asset_id)};
  u.condition = store::Condition::ItemExists("company_id");
  for (const char* k : {"type", "os", "is_critical", "tags"}) {
    if (f.contains(k)) u.Set(k, f[k]);
  }
  u.Set("auto_registered", false).Set("updated_at", ctx_->Now());
  auto r = ctx_->store->UpdateItem(u);
  if (r.status().IsConditionFailed()) ThrowNotFound("asset");
  ThrowIfError(r.status(), "asset");
  Forget(company_id, asset_id);
  return View(*r);
}

void AssetService::Delete(const std::string& company_id, const std::string& asset_id) {
  Status s = ctx_->store->DeleteItem(
      {t::kCompanyConfigs, {company_id, Sk(asset_id)}, store::Condition::ItemExists("company_id")});
  if (s.IsConditionFailed()) ThrowNotFound("asset");
  ThrowIfError(s, "asset");
  Forget(company_id, asset_id);
}

}  // namespace aw::services
