#pragma once

// Amazon SNS message authenticity (docs/intake-cloudwatch.md, "What is
// verified"): every message SNS posts to an HTTPS subscription is signed by
// SNS with the key of a certificate that SNS serves from
// https://sns.<region>.amazonaws.com/....pem. Verify checks, in order:
//   1. SigningCertURL is such a URL (core::intake::IsAllowedSnsUrl);
//   2. Timestamp is at most max_age_seconds old (SNS keeps the original
//      publish time on its retries, which end within an hour) and not more
//      than max_future_seconds ahead of this server's clock;
//   3. the certificate (fetched over verified TLS, cached by URL) is valid
//      now and its RSA key verifies Signature over the canonical string
//      (SHA1withRSA for SignatureVersion 1, SHA256withRSA for 2).
// ConfirmSubscription GETs the SubscribeURL, which must pass the same host
// rule. `url_override` (AW_SNS_CERT_BASE_URL, accepted only with
// AW_TEST_MODE=1) replaces the host rule with "starts with <override>/", for
// a stand-in SNS in the tests.
//
// Thread-safe. Both methods block (HTTP): call them from a worker thread.
// They throw ApiError: 403 for a message that is not authentic (a sentence
// and a code per reason), 503 when the certificate or the confirmation
// could not be fetched for a transient reason (SNS retries then).

#include <chrono>
#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <mutex>
#include <string>

#include "base/clock.h"
#include "clients/http_client.h"
#include "core/intake/sns_message.h"
#include "crypto/x509_verify.h"

namespace aw::services {

struct SnsOptions {
  std::string url_override;  // tests only (see above); empty in production
  int64_t max_age_seconds = 3600;
  int64_t max_future_seconds = 300;
  size_t max_cached_certificates = 32;
  // A cached certificate is fetched again after this long (SNS rotates them).
  int64_t cache_seconds = 24 * 3600;
  int http_timeout_ms = 5000;
};

class SnsVerifier {
 public:
  SnsVerifier(const Clock* clock, const clients::HttpClient* http, SnsOptions options)
      : clock_(clock), http_(http), options_(std::move(options)) {}

  void Verify(const core::intake::SnsMessage& m);
  // REQUIRES: m is a verified SubscriptionConfirmation.
  void ConfirmSubscription(const core::intake::SnsMessage& m);

 private:
  std::shared_ptr<const crypto::CertificateKey> Certificate(const std::string& url);

  struct Cached {
    std::shared_ptr<const crypto::CertificateKey> key;
    int64_t fetched_at = 0;
  };
  const Clock* clock_;
  const clients::HttpClient* http_;
  SnsOptions options_;
  mutable std::mutex mu_;
  std::map<std::string, Cached> cache_;
  std::deque<std::string> order_;  // oldest first, for the bound
};

}  // namespace aw::services
