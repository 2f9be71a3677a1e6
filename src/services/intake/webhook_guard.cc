#include "services/intake/webhook_guard.h"

#include <spdlog/spdlog.h>

#include "base/errors.h"
#include "base/json_fields.h"
#include "base/metrics.h"
#include "core/webhook_signature.h"
#include "crypto/hash.h"

namespace aw::services {

using nlohmann::json;

namespace {

constexpr const char* kSecurity = "webhook_security";
constexpr const char* kRateLimit = "rate_limit";

std::string Aad(const std::string& company_id) { return company_id + "|webhook_security"; }

}  // namespace

std::string WebhookSecurityService::NewSecretSealed(const std::string& company_id, std::string* plain) {
  *plain = "whsec_" + crypto::Base64UrlEncode(crypto::RandomBytes(32));
  return ctx_->secrets->Seal(*plain, Aad(company_id));
}

json WebhookSecurityService::View(const std::string& company_id, bool reveal) {
  auto c = configs_->Get(company_id, kSecurity);
  json out = {{"company_id", company_id},
              {"enabled", c ? c->value("enabled", false) : false},
              {"signature_header", "X-Signature"},
              {"timestamp_header", "X-Timestamp"},
              {"signature_format", "sha256=<hex HMAC-SHA256 of \"<X-Timestamp>.<raw body>\">"},
              {"max_timestamp_diff_seconds", c ? c->value("max_timestamp_diff_seconds", 300) : 300},
              {"has_secret", c && c->contains("secret_enc")}};
  if (c && c->contains("updated_at")) out["updated_at"] = (*c)["updated_at"];
  if (reveal && c && c->contains("secret_enc")) {
    auto plain = ctx_->secrets->Open(c->value("secret_enc", ""), Aad(company_id));
    if (plain.ok()) out["hmac_secret"] = *plain;
  }
  return out;
}

json WebhookSecurityService::Enable(const std::string& company_id) {
  auto c = configs_->Get(company_id, kSecurity);
  json item = c ? *c : json::object();
  if (!item.contains("secret_enc")) {
    std::string plain;
    item["secret_enc"] = NewSecretSealed(company_id, &plain);
  }
  item["enabled"] = true;
  item["max_timestamp_diff_seconds"] = item.value("max_timestamp_diff_seconds", 300);
  configs_->Put(company_id, kSecurity, item);
  spdlog::info("webhook signing enabled for company {}", company_id);
  return View(company_id, true);
}

json WebhookSecurityService::Disable(const std::string& company_id) {
  auto c = configs_->Get(company_id, kSecurity);
  json item = c ? *c : json::object();
  item["enabled"] = false;
  configs_->Put(company_id, kSecurity, item);
  spdlog::info("webhook signing disabled for company {}", company_id);
  return View(company_id, false);
}

json WebhookSecurityService::RegenerateSecret(const std::string& company_id) {
  auto c = configs_->Get(company_id, kSecurity);
  json item = c ? *c : json::object();
  std::string plain;
  item["secret_enc"] = NewSecretSealed(company_id, &plain);
  item["enabled"] = item.value("enabled", false);
  configs_->Put(company_id, kSecurity, item);
  spdlog::info("webhook signing secret regenerated for company {}", company_id);
  return View(company_id, true);
}

std::optional<SignedDelivery> WebhookSecurityService::Verify(const std::string& company_id,
                                                             std::string_view signature, std::string_view timestamp,
                                                             std::string_view body) {
  auto c = configs_->Get(company_id, kSecurity);
  if (!c || !c->value("enabled", false)) return std::nullopt;
  auto secret = ctx_->secrets->Open(c->value("secret_enc", ""), Aad(company_id));
  if (!secret.ok()) {
    spdlog::error("cannot decrypt the webhook secret of company {} (was AW_MASTER_KEY changed?)", company_id);
    Throw(ErrorKind::kUnauthenticated, "invalid_signature", "the webhook signature cannot be verified");
  }
  core::SignatureInput in{signature, timestamp, body, ctx_->clock->NowSeconds(),
                          c->value("max_timestamp_diff_seconds", int64_t{300})};
  const std::string& key = *secret;
  core::SignatureCheck r = core::VerifyWebhookSignature(
      in, [&key](std::string_view m) { return crypto::HexEncode(crypto::HmacSha256(key, m)); },
      [](std::string_view a, std::string_view b) { return crypto::ConstantTimeEquals(a, b); });
  if (r != core::SignatureCheck::kOk) {
    Throw(ErrorKind::kUnauthenticated, core::SignatureCheckCode(r), core::SignatureCheckDetail(r));
  }
  SignedDelivery d;
  d.signature = core::SignatureFingerprint(signature);
  d.expires_s = core::SignatureWindowEnd(timestamp, in.max_skew_seconds);
  return d;
}

RateLimitConfig RateLimiter::ConfigFor(const std::string& company_id) {
  RateLimitConfig cfg;
  auto c = configs_->Get(company_id, kRateLimit);
  if (c) {
    cfg.enabled = c->value("enabled", cfg.enabled);
    cfg.requests_per_minute = c->value("requests_per_minute", cfg.requests_per_minute);
    cfg.burst_size = c->value("burst_size", cfg.burst_size);
  }
  return cfg;
}

json RateLimiter::View(const std::string& company_id) {
  RateLimitConfig c = ConfigFor(company_id);
  return {{"company_id", company_id},
          {"enabled", c.enabled},
          {"requests_per_minute", c.requests_per_minute},
          {"burst_size", c.burst_size}};
}

json RateLimiter::Put(const std::string& company_id, const json& body) {
  RejectUnknownFields(body, {"enabled", "requests_per_minute", "burst_size", "company_id"});
  RateLimitConfig c = ConfigFor(company_id);
  auto num = [&](const char* f, int64_t* out) {
    if (!body.contains(f) || body[f].is_null()) return;
    if (!body[f].is_number_integer()) ThrowInvalidField(f, "must be an integer");
    int64_t v = body[f].get<int64_t>();
    if (v < 1 || v > kMaxPerMinute) ThrowInvalidField(f, "must be between 1 and " + std::to_string(kMaxPerMinute));
    *out = v;
  };
  num("requests_per_minute", &c.requests_per_minute);
  num("burst_size", &c.burst_size);
  if (body.contains("enabled") && !body["enabled"].is_null()) {
    if (!body["enabled"].is_boolean()) ThrowInvalidField("enabled", "must be true or false");
    c.enabled = body["enabled"].get<bool>();
  }
  configs_->Put(company_id, kRateLimit,
                {{"enabled", c.enabled}, {"requests_per_minute", c.requests_per_minute}, {"burst_size", c.burst_size}});
  {
    std::lock_guard<std::mutex> lock(mu_);
    buckets_.erase(company_id);  // start the new limit with a full bucket
  }
  return View(company_id);
}

std::vector<std::pair<std::string, std::string>> RateLimiter::Take(const std::string& company_id) {
  RateLimitConfig c = ConfigFor(company_id);
  if (!c.enabled) return {};
  core::TakeResult r;
  {
    std::lock_guard<std::mutex> lock(mu_);
    r = core::TakeToken(&buckets_[company_id], c.requests_per_minute, c.burst_size, ctx_->clock->NowMicros());
  }
  const int64_t reset_epoch = ctx_->clock->NowSeconds() + r.reset_after_s;
  std::vector<std::pair<std::string, std::string>> headers = {
      {"X-RateLimit-Limit", std::to_string(c.requests_per_minute)},
      {"X-RateLimit-Remaining", std::to_string(r.remaining)},
      {"X-RateLimit-Reset", std::to_string(reset_epoch)},
  };
  if (!r.allowed) {
    static auto& limited = metrics::Registry::Default().Counters(
        "aw_rate_limited_total", "Intake requests refused by a company's rate limit (429), by company.",
        {"company"}, 4096);
    limited.With({company_id}).Inc();
    ApiError e(ErrorKind::kTooManyRequests, "rate_limited",
               "rate limit exceeded for company " + company_id + ": " + std::to_string(c.requests_per_minute) +
                   " requests per minute with a burst of " + std::to_string(c.burst_size) + "; retry after " +
                   std::to_string(r.retry_after_s) + " s",
               static_cast<int>(r.retry_after_s));
    for (auto& h : headers) e.WithHeader(h.first, h.second);
    throw e;
  }
  return headers;
}

}  // namespace aw::services
