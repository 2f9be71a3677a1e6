#pragma once

// Verification of signed webhooks (CompanyConfigs "webhook_security"):
//   X-Signature: sha256=<hex of HMAC-SHA256(secret, "<X-Timestamp>.<raw body>")>
//   X-Timestamp: Unix seconds, within +-max_skew_seconds of now.
// Pure: the HMAC and the constant-time comparison are passed in, so this
// file needs no crypto library; each failure has its own result so the
// caller can answer with a precise 401.

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>

namespace aw::core {

enum class SignatureCheck {
  kOk,
  kMissingSignature,
  kMissingTimestamp,
  kMalformedTimestamp,
  kStaleTimestamp,
  kMalformedSignature,
  kBadSignature,
};

struct SignatureInput {
  std::string_view signature_header;  // value of X-Signature ("" if absent)
  std::string_view timestamp_header;  // value of X-Timestamp ("" if absent)
  std::string_view body;
  int64_t now_seconds = 0;
  int64_t max_skew_seconds = 300;
};

// hmac_hex(message) -> lowercase hex HMAC-SHA256 with the company's secret.
// equals(a, b) -> constant-time comparison.
SignatureCheck VerifyWebhookSignature(const SignatureInput& in,
                                      const std::function<std::string(std::string_view)>& hmac_hex,
                                      const std::function<bool(std::string_view, std::string_view)>& equals);

// For a request that verified (REQUIRES kOk): its signature as lower-case
// hex, which identifies the (timestamp, body) pair (replay detection), and
// the last second at which its timestamp is still accepted.
std::string SignatureFingerprint(std::string_view signature_header);
int64_t SignatureWindowEnd(std::string_view timestamp_header, int64_t max_skew_seconds);

// One sentence for the 401 detail.
const char* SignatureCheckDetail(SignatureCheck c);
// Machine code for the 401: "missing_signature", "stale_timestamp", ...
const char* SignatureCheckCode(SignatureCheck c);

}  // namespace aw::core
