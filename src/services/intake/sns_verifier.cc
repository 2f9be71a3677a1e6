#include "services/intake/sns_verifier.h"

#include <spdlog/spdlog.h>

#include "base/errors.h"
#include "base/time_format.h"
#include "crypto/hash.h"

namespace aw::services {

namespace {

using core::intake::SnsMessage;
using core::intake::SnsType;

[[noreturn]] void Refuse(std::string code, std::string detail) {
  Throw(ErrorKind::kForbidden, std::move(code), std::move(detail));
}

}  // namespace

std::shared_ptr<const crypto::CertificateKey> SnsVerifier::Certificate(const std::string& url) {
  const int64_t now = clock_->NowSeconds();
  {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = cache_.find(url);
    if (it != cache_.end() && now - it->second.fetched_at < options_.cache_seconds) return it->second.key;
  }
  // Fetched outside the lock: a slow SNS endpoint must not hold up messages
  // whose certificate is cached. Two threads may fetch the same URL once.
  clients::HttpRequest req;
  req.method = "GET";
  req.url = url;
  req.timeout_ms = options_.http_timeout_ms;
  auto resp = http_->Send(req);
  if (!resp.ok()) {
    spdlog::warn("sns: cannot fetch the signing certificate {}: {}", url, resp.status().message());
    Throw(ErrorKind::kUnavailable, "sns_certificate_unavailable",
          "the SNS signing certificate could not be fetched; try again later", 30);
  }
  if (resp->status != 200) {
    Refuse("sns_certificate_not_found",
           "the SNS signing certificate could not be fetched (HTTP " + std::to_string(resp->status) + ")");
  }
  auto key = crypto::CertificateKey::FromPem(resp->body, now);
  if (!key.ok()) Refuse("sns_invalid_certificate", key.status().message());
  std::lock_guard<std::mutex> lock(mu_);
  if (cache_.find(url) == cache_.end()) {
    order_.push_back(url);
    while (order_.size() > options_.max_cached_certificates) {
      cache_.erase(order_.front());
      order_.pop_front();
    }
  }
  cache_[url] = Cached{*key, now};
  return *key;
}

void SnsVerifier::Verify(const SnsMessage& m) {
  if (!core::intake::IsAllowedSnsUrl(m.signing_cert_url, options_.url_override, /*pem=*/true)) {
    Refuse("sns_certificate_url_refused",
           "SigningCertURL must be an https://sns.<region>.amazonaws.com/ URL of a .pem certificate");
  }
  auto published = ParseIso8601(m.timestamp);
  if (!published) ThrowInvalidField("Timestamp", "must be an ISO-8601 date-time");
  const int64_t age = clock_->NowSeconds() - *published / 1'000'000;
  if (age > options_.max_age_seconds) {
    Refuse("sns_stale_message", "the SNS message was published " + std::to_string(age) +
                                    " s ago; messages older than " +
                                    std::to_string(options_.max_age_seconds) + " s are refused");
  }
  if (-age > options_.max_future_seconds) {
    Refuse("sns_stale_message", "the SNS message's Timestamp is in the future");
  }
  auto signature = crypto::Base64Decode(m.signature);
  if (!signature) Refuse("sns_invalid_signature", "the SNS message signature is not valid base64");
  auto key = Certificate(m.signing_cert_url);
  const auto digest =
      m.signature_version == "1" ? crypto::SignatureDigest::kSha1 : crypto::SignatureDigest::kSha256;
  if (!key->Verify(digest, core::intake::SnsStringToSign(m), *signature)) {
    Refuse("sns_invalid_signature", "the SNS message signature does not match its content");
  }
}

void SnsVerifier::ConfirmSubscription(const SnsMessage& m) {
  if (m.type != SnsType::kSubscriptionConfirmation) return;
  if (!core::intake::IsAllowedSnsUrl(m.subscribe_url, options_.url_override, /*pem=*/false)) {
    Refuse("sns_subscribe_url_refused", "SubscribeURL must be an https://sns.<region>.amazonaws.com/ URL");
  }
  clients::HttpRequest req;
  req.method = "GET";
  req.url = m.subscribe_url;
  req.timeout_ms = options_.http_timeout_ms;
  auto resp = http_->Send(req);
  if (!resp.ok() || resp->status < 200 || resp->status > 299) {
    // The URL carries the subscription token: log the topic, not the URL.
    spdlog::warn("sns: confirming the subscription to {} failed: {}", m.topic_arn,
                 resp.ok() ? "HTTP " + std::to_string(resp->status) : resp.status().message());
    Throw(ErrorKind::kUnavailable, "sns_confirmation_failed",
          "confirming the SNS subscription failed" +
              (resp.ok() ? " (SNS answered HTTP " + std::to_string(resp->status) + ")" : std::string()) +
              "; subscribe the endpoint again to get a new confirmation",
          30);
  }
  spdlog::info("sns: subscription to {} confirmed", m.topic_arn);
}

}  // namespace aw::services
