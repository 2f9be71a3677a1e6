#pragma once

// CompanyConfigs access with a small in-process cache, for settings read on
// the intake path (correlation rules, webhook security, rate limits).
//
// A Put in this process invalidates its cache entry at once; other replicas
// see the change within kCacheTtl. Thread-safe.

#include <chrono>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>

#include <nlohmann/json.hpp>

#include "services/context.h"

namespace aw::services {

class ConfigService {
 public:
  static constexpr std::chrono::seconds kCacheTtl{5};

  explicit ConfigService(Context* ctx) : ctx_(ctx) {}

  // The stored item (without company_id/config_type), or nullopt. Cached.
  std::optional<nlohmann::json> Get(const std::string& company_id, const std::string& config_type);
  // Replaces the item; stamps updated_at. Invalidates the cache entry.
  void Put(const std::string& company_id, const std::string& config_type, nlohmann::json value);
  void Delete(const std::string& company_id, const std::string& config_type);
  void Invalidate(const std::string& company_id, const std::string& config_type);

 private:
  struct Entry {
    std::optional<nlohmann::json> value;
    int64_t fetched_us = 0;
  };

  Context* ctx_;
  std::mutex mu_;
  std::unordered_map<std::string, Entry> cache_;
};

}  // namespace aw::services
