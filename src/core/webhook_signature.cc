#include "core/webhook_signature.h"

#include <cctype>

namespace aw::core {

SignatureCheck VerifyWebhookSignature(const SignatureInput& in,
                                      const std::function<std::string(std::string_view)>& hmac_hex,
                                      const std::function<bool(std::string_view, std::string_view)>& equals) {
  if (in.signature_header.empty()) return SignatureCheck::kMissingSignature;
  if (in.timestamp_header.empty()) return SignatureCheck::kMissingTimestamp;
  // Timestamp: 1 to 12 decimal digits, nothing else.
  if (in.timestamp_header.size() > 12) return SignatureCheck::kMalformedTimestamp;
  int64_t ts = 0;
  for (char c : in.timestamp_header) {
    if (!std::isdigit(static_cast<unsigned char>(c))) return SignatureCheck::kMalformedTimestamp;
    ts = ts * 10 + (c - '0');
  }
  int64_t skew = in.now_seconds - ts;
  if (skew < 0) skew = -skew;
  if (skew > in.max_skew_seconds) return SignatureCheck::kStaleTimestamp;
  constexpr std::string_view kPrefix = "sha256=";
  std::string_view sig = in.signature_header;
  if (sig.substr(0, kPrefix.size()) != kPrefix) return SignatureCheck::kMalformedSignature;
  sig.remove_prefix(kPrefix.size());
  if (sig.size() != 64) return SignatureCheck::kMalformedSignature;
  std::string lower(sig);
  for (char& c : lower) {
    if (!std::isxdigit(static_cast<unsigned char>(c))) return SignatureCheck::kMalformedSignature;
    c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  }
  std::string message;
  message.reserve(in.timestamp_header.size() + 1 + in.body.size());
  message.append(in.timestamp_header).append(".").append(in.body);
  return equals(hmac_hex(message), lower) ? SignatureCheck::kOk : SignatureCheck::kBadSignature;
}

std::string SignatureFingerprint(std::string_view signature_header) {
  constexpr std::string_view kPrefix = "sha256=";
  if (signature_header.starts_with(kPrefix)) signature_header.remove_prefix(kPrefix.size());
  std::string out(signature_header);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

int64_t SignatureWindowEnd(std::string_view timestamp_header, int64_t max_skew_seconds) {
  int64_t ts = 0;
  for (char c : timestamp_header) {
    if (!std::isdigit(static_cast<unsigned char>(c))) break;
    ts = ts * 10 + (c - '0');
  }
  return ts + max_skew_seconds;
}

const char* SignatureCheckDetail(SignatureCheck c) {
  switch (c) {
    case SignatureCheck::kOk: return "ok";
    case SignatureCheck::kMissingSignature: return "webhook signing is enabled: the X-Signature header is missing";
    case SignatureCheck::kMissingTimestamp: return "webhook signing is enabled: the X-Timestamp header is missing";
    case SignatureCheck::kMalformedTimestamp: return "X-Timestamp must be Unix time in whole seconds";
    case SignatureCheck::kStaleTimestamp:
      return "X-Timestamp is too far from the server's time (more than the allowed skew); check the sender's clock";
    case SignatureCheck::kMalformedSignature: return "X-Signature must be sha256=<64 hex digits>";
    case SignatureCheck::kBadSignature: return "X-Signature does not match the request body and timestamp";
  }
  return "invalid signature";
}

const char* SignatureCheckCode(SignatureCheck c) {
  switch (c) {
    case SignatureCheck::kOk: return "ok";
    case SignatureCheck::kMissingSignature: return "missing_signature";
    case SignatureCheck::kMissingTimestamp: return "missing_timestamp";
    case SignatureCheck::kMalformedTimestamp: return "malformed_timestamp";
    case SignatureCheck::kStaleTimestamp: return "stale_timestamp";
    case SignatureCheck::kMalformedSignature: return "malformed_signature";
    case SignatureCheck::kBadSignature: return "invalid_signature";
  }
  return "invalid_signature";
}

}  // namespace aw::core
