#pragma once

// CompanyConfigs access with a small in-process cache, for settings read on
// the intake path (correlation rules, webhook security, rate limits).
//
// A Put in this process invalidates its cache entry at once; other replicas
// see the change within kCacheTtl. Thread-safe.

#include <chrono>
#include <cstdint>
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

  // A company's policy of one config type (SLA, escalation, ...): `defaults`
  // overlaid by `apply` with what the stored item holds; the defaults alone
  // when there is no item or it is not an object. `apply` ignores values of
  // the wrong type (see the lenient readers below), so an item written by
  // another tool never breaks the policy. Cached as Get.
  template <typename Policy>
  Policy PolicyOf(const std::string& company_id, const std::string& config_type, Policy defaults,
                  void (*apply)(const nlohmann::json& stored, Policy* policy)) {
    auto stored = Get(company_id, config_type);
    if (stored && stored->is_object()) apply(*stored, &defaults);
    return defaults;
  }

 private:
  struct Entry {
    std::optional<nlohmann::json> value;
    int64_t fetched_us = 0;
  };

  Context* ctx_;
  std::mutex mu_;
  std::unordered_map<std::string, Entry> cache_;
};

// Lenient readers for PolicyOf's `apply`: each leaves `*out` (or returns
// `fallback`) when `o` is not an object, lacks `key`, or holds another type.
void ReadBool(const nlohmann::json& o, const char* key, bool* out);
// Also leaves `*out` when the value is outside [lo, hi].
void ReadInt(const nlohmann::json& o, const char* key, int* out, int64_t lo, int64_t hi);
int IntOr(const nlohmann::json& o, const char* key, int fallback);

}  // namespace aw::services
