#pragma once

// Companies (the MSP's tenants) and their webhook API keys. A key is
// "aw_" + 32 random url-safe bytes; the store keeps its SHA-256 in the
// api_key-index GSI for lookups and an AES-GCM sealed copy to show admins.
// Thread-safe; methods may throw ApiError.

#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include <nlohmann/json.hpp>

#include "services/context.h"
#include "services/page.h"
#include "services/identity/principal.h"

namespace aw::services {

// Every company's id, through the Companies directory-index (no Scan).
Result<std::vector<std::string>> AllCompanyIds(store::Store* store);

class CompanyService {
 public:
  // How long a replica may keep trusting an API key without reading the
  // store again, when another process can change the Companies table.
  static constexpr int64_t kSharedKeyCacheMicros = 5'000'000;

  // Which company an API key belongs to is remembered per process (the
  // lookup is a Query and a GetItem, on every webhook otherwise).
  // `exclusive_store`: this process makes every change to the Companies
  // table (the embedded store, whose data directory one process locks), so
  // the cache is exact: a rotation or deletion here forgets it at once.
  // Otherwise (DynamoDB, several replicas) an entry is trusted for at most
  // kSharedKeyCacheMicros after it was read. Why that staleness is safe: a
  // key rotated or a company deleted through THIS replica stops working at
  // once (ForgetApiKeys); through another replica, the old key keeps
  // working here for at most 5 s - the bound docs/dynamodb.md states, the
  // same as every other intake setting (signing, rate limit, correlation).
  // An unknown key is never remembered, so a new key works at once.
  explicit CompanyService(Context* ctx, bool exclusive_store = false)
      : ctx_(ctx), key_ttl_us_(exclusive_store ? 0 : kSharedKeyCacheMicros) {}

  // Creates a company with a fresh API key. `id` may be fixed (seed); when
  // the id exists already the existing company is returned unchanged.
  nlohmann::json Create(const std::string& name, const std::string& id = "");
  std::optional<nlohmann::json> Find(const std::string& id);
  // 404 unless the caller may see the company.
  nlohmann::json GetVisible(const Principal& p, const std::string& id);
  Page List(const Principal& p, int limit, const std::string& cursor);
  nlohmann::json Rename(const std::string& id, const std::string& name);
  void Delete(const std::string& id);
  // Returns the new key; the old one stops working at once.
  nlohmann::json RegenerateApiKey(const std::string& id);
  // The company owning this API key, or nullopt.
  std::optional<nlohmann::json> FindByApiKey(const std::string& api_key);
  // The id of the company owning this API key, or "". Read on every
  // webhook: cached as the constructor says (no store read on a hit).
  std::string CompanyIdForApiKey(const std::string& api_key);

  // The company as shown to `p`: the API key only for company and MSP admins.
  nlohmann::json View(const Principal& p, const nlohmann::json& item) const;
  std::string RevealApiKey(const nlohmann::json& item) const;

 private:
  // After a key changed or a company went away (after the write: see
  // RegenerateApiKey).
  void ForgetApiKeys();

  struct CachedKey {
    std::string company_id;
    int64_t expires_us;  // 0: until forgotten (exclusive store)
  };

  Context* ctx_;
  const int64_t key_ttl_us_;  // 0: exact cache (exclusive store)
  std::mutex key_mu_;
  std::unordered_map<std::string, CachedKey> key_cache_;  // SHA-256 of the key -> company
  uint64_t key_generation_ = 0;  // bumped by ForgetApiKeys: a lookup begun before it is not kept
};

}  // namespace aw::services
