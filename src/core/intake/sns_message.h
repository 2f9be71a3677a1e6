#pragma once

// Amazon SNS messages as SNS posts them to an HTTPS subscription
// (docs: "HTTP/HTTPS notification JSON format", "... subscription
// confirmation JSON format", "... unsubscribe confirmation JSON format",
// "Verifying the signatures of Amazon SNS messages").
//
// Pure: parsing the body, the canonical string that SNS signs, and the
// rule for which URLs may be fetched. Fetching the certificate and checking
// the RSA signature live in services/sns_verifier.h.

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>

#include "core/intake/tool_alert.h"

namespace aw::core::intake {

enum class SnsType { kNotification, kSubscriptionConfirmation, kUnsubscribeConfirmation };

struct SnsMessage {
  SnsType type = SnsType::kNotification;
  std::string type_name;  // "Notification", ... as received
  std::string message_id;
  std::string topic_arn;
  std::optional<std::string> subject;  // Notification only, when published with one
  std::string message;
  std::string timestamp;          // ISO-8601, as received (it is signed as such)
  std::string signature_version;  // "1" (SHA1withRSA) or "2" (SHA256withRSA)
  std::string signature;          // base64
  std::string signing_cert_url;
  std::string subscribe_url;  // confirmations only
  std::string token;          // confirmations only
};

// The body (a JSON object) as an SnsMessage. Every field that the type's
// string to sign needs, and the signature fields, are required strings;
// SignatureVersion must be "1" or "2". The error names the field.
std::optional<AdapterError> ParseSnsMessage(const nlohmann::json& body, SnsMessage* out);

// The string SNS signs: for a Notification the name and value, each followed
// by "\n", of Message, MessageId, Subject (only when present), Timestamp,
// TopicArn, Type; for the confirmations Message, MessageId, SubscribeURL,
// Timestamp, Token, TopicArn, Type.
std::string SnsStringToSign(const SnsMessage& m);

// Which URLs may be fetched (the signing certificate, the SubscribeURL).
// With an empty `override_base` only https://sns.<region>.amazonaws.com[.cn]/...
// (no port, no user info; region letters, digits and '-'); else only URLs
// starting with `override_base` + "/" (tests: a stand-in SNS on 127.0.0.1).
// `pem` additionally requires the path (before any '?') to end in ".pem".
bool IsAllowedSnsUrl(std::string_view url, std::string_view override_base, bool pem);

}  // namespace aw::core::intake
