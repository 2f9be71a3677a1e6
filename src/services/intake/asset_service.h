#pragma once

// Per-company asset inventory (CompanyConfigs items "asset#<name>"): name,
// type, os, is_critical, tags. The name identifies an asset within its
// company (it is what senders put in asset_name) and cannot change.
//
// Touch() is on the intake path: it answers from an in-process cache and
// registers an unknown asset with a conditional put. Thread-safe.

#include <mutex>
#include <optional>
#include <optional>
#include <string>
#include <unordered_map>

#include <nlohmann/json.hpp>

#include "services/context.h"
#include "services/txn_items.h"
#include "services/page.h"

namespace aw::services {

struct AssetInfo {
  std::string id;
  bool is_critical = false;
};

class AssetService {
 public:
  explicit AssetService(Context* ctx) : ctx_(ctx) {}

  // The asset of this name, registering it (type "unknown") when new.
  AssetInfo Touch(const std::string& company_id, const std::string& name);
  // Touch inside an atomic unit (the intake pipeline): reads and registers
  // through `items`. *remember is set when the answer did not come from the
  // cache: the caller calls Remember once the unit is durable.
  AssetInfo TouchLocal(TxnItems& items, const std::string& company_id, const std::string& name, bool* remember);
  void Remember(const std::string& company_id, const AssetInfo& info);

  Page List(const std::string& company_id, int limit, const std::string& cursor);
  std::optional<nlohmann::json> Find(const std::string& company_id, const std::string& asset_id);
  // 409 asset_exists when the name is taken.
  nlohmann::json Create(const std::string& company_id, const nlohmann::json& fields);
  nlohmann::json Update(const std::string& company_id, const std::string& asset_id, const nlohmann::json& fields);
  void Delete(const std::string& company_id, const std::string& asset_id);

  static nlohmann::json View(const nlohmann::json& item);

 private:
  void Forget(const std::string& company_id, const std::string& asset_id);
  std::optional<AssetInfo> Cached(const std::string& company_id, const std::string& name);
  nlohmann::json AutoRegistered(const std::string& company_id, const std::string& name) const;

  Context* ctx_;
  std::mutex mu_;
  std::unordered_map<std::string, AssetInfo> cache_;  // company \n name
};

}  // namespace aw::services
