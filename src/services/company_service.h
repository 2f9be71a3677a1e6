#pragma once

// Companies (the MSP's tenants) and their webhook API keys. A key is
// "aw_" + 32 random url-safe bytes; the store keeps its SHA-256 in the
// api_key-index GSI for lookups and an AES-GCM sealed copy to show admins.
// Thread-safe; methods may throw ApiError.

#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "services/context.h"
#include "services/page.h"
#include "services/principal.h"

namespace aw::services {

class CompanyService {
 public:
  explicit CompanyService(Context* ctx) : ctx_(ctx) {}

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

  // The company as shown to `p`: the API key only for company and MSP admins.
  nlohmann::json View(const Principal& p, const nlohmann::json& item) const;
  std::string RevealApiKey(const nlohmann::json& item) const;

 private:
  Context* ctx_;
};

}  // namespace aw::services
