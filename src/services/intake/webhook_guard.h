#pragma once

// What stands between a webhook and the intake: HMAC signatures
// (CompanyConfigs "webhook_security") and per-company rate limits
// (CompanyConfigs "rate_limit"). Thread-safe; methods may throw ApiError.

#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/token_bucket.h"
#include "services/config_service.h"
#include "services/context.h"
#include "services/intake/webhook_replay.h"

namespace aw::services {

class WebhookSecurityService {
 public:
  // `shared_replay_log`: keep the signed-delivery log in the store, for
  // replicas (DynamoDB); otherwise in memory (services/webhook_replay.h).
  WebhookSecurityService(Context* ctx, ConfigService* configs, bool shared_replay_log = false)
      : ctx_(ctx), configs_(configs), deliveries_(ctx, shared_replay_log) {}

  // {enabled, signature_header, timestamp_header, max_timestamp_diff_seconds,
  //  hmac_secret (only when reveal), ...}
  nlohmann::json View(const std::string& company_id, bool reveal);
  // Creates a secret when there is none; returns the view with the secret.
  nlohmann::json Enable(const std::string& company_id);
  nlohmann::json Disable(const std::string& company_id);
  nlohmann::json RegenerateSecret(const std::string& company_id);
  // Throws 401 with a distinct code and detail per failure when signing is
  // enabled for the company and the request is not correctly signed.
  // Returns the verified delivery, or nullopt when signing is disabled.
  std::optional<SignedDelivery> Verify(const std::string& company_id, std::string_view signature,
                                       std::string_view timestamp, std::string_view body);
  // Replays: the alert id a verified delivery was accepted with, if it was
  // accepted before (then answer it as a repeat and do nothing else); and
  // the record of an accepted one, after its 202.
  std::optional<std::string> AcceptedBefore(const std::string& company_id, const SignedDelivery& d) {
    return deliveries_.Accepted(company_id, d);
  }
  void RecordAccepted(const std::string& company_id, const SignedDelivery& d, const std::string& alert_id) {
    deliveries_.Record(company_id, d, alert_id);
  }

 private:
  std::string NewSecretSealed(const std::string& company_id, std::string* plain);

  Context* ctx_;
  ConfigService* configs_;
  SignedDeliveryLog deliveries_;
};

struct RateLimitConfig {
  bool enabled = true;
  int64_t requests_per_minute = 6000;
  int64_t burst_size = 1000;
};

class RateLimiter {
 public:
  static constexpr int64_t kMaxPerMinute = 1'000'000;

  RateLimiter(Context* ctx, ConfigService* configs) : ctx_(ctx), configs_(configs) {}

  RateLimitConfig ConfigFor(const std::string& company_id);
  nlohmann::json View(const std::string& company_id);
  nlohmann::json Put(const std::string& company_id, const nlohmann::json& body);
  // Takes one token for the company. Over the limit: 429 naming the limit,
  // with Retry-After and X-RateLimit-*. Returns the X-RateLimit-* headers
  // for a successful response (empty when limits are disabled).
  std::vector<std::pair<std::string, std::string>> Take(const std::string& company_id);

 private:
  Context* ctx_;
  ConfigService* configs_;
  std::mutex mu_;
  std::unordered_map<std::string, core::TokenBucket> buckets_;
};

}  // namespace aw::services
