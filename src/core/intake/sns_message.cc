#include "core/intake/sns_message.h"

#include <initializer_list>
#include <utility>

namespace aw::core::intake {

namespace {

// A required, non-empty string field; the error names it.
std::optional<AdapterError> Take(const nlohmann::json& body, const char* field, std::string* out) {
  auto it = body.find(field);
  if (it == body.end() || it->is_null()) return AdapterError{field, std::string(field) + " is required"};
  if (!it->is_string()) return AdapterError{field, std::string(field) + " must be a string"};
  *out = it->get<std::string>();
  if (out->empty()) return AdapterError{field, std::string(field) + " must not be empty"};
  return std::nullopt;
}

bool IsRegionChar(char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-'; }

// "sns.<region>.amazonaws.com" or "sns.<region>.amazonaws.com.cn".
bool IsSnsHost(std::string_view host) {
  constexpr std::string_view kPrefix = "sns.";
  if (host.substr(0, kPrefix.size()) != kPrefix) return false;
  std::string_view rest = host.substr(kPrefix.size());
  for (std::string_view suffix :
       {std::string_view(".amazonaws.com"), std::string_view(".amazonaws.com.cn")}) {
    if (rest.size() <= suffix.size() || rest.substr(rest.size() - suffix.size()) != suffix) continue;
    std::string_view region = rest.substr(0, rest.size() - suffix.size());
    bool ok = true;
    for (char c : region) ok = ok && IsRegionChar(c);
    if (ok) return true;
  }
  return false;
}

}  // namespace

std::optional<AdapterError> ParseSnsMessage(const nlohmann::json& body, SnsMessage* out) {
  if (!body.is_object()) return AdapterError{"body", "the body must be a JSON object (an SNS message)"};
  SnsMessage m;
  if (auto e = Take(body, "Type", &m.type_name)) return e;
  if (m.type_name == "Notification") {
    m.type = SnsType::kNotification;
  } else if (m.type_name == "SubscriptionConfirmation") {
    m.type = SnsType::kSubscriptionConfirmation;
  } else if (m.type_name == "UnsubscribeConfirmation") {
    m.type = SnsType::kUnsubscribeConfirmation;
  } else {
    return AdapterError{"Type",
                        "Type must be Notification, SubscriptionConfirmation or UnsubscribeConfirmation"};
  }
  for (auto [field, dest] :
       {std::pair{"MessageId", &m.message_id}, std::pair{"TopicArn", &m.topic_arn},
        std::pair{"Message", &m.message}, std::pair{"Timestamp", &m.timestamp},
        std::pair{"SignatureVersion", &m.signature_version}, std::pair{"Signature", &m.signature},
        std::pair{"SigningCertURL", &m.signing_cert_url}}) {
    if (auto e = Take(body, field, dest)) return e;
  }
  if (m.signature_version != "1" && m.signature_version != "2") {
    return AdapterError{"SignatureVersion", "SignatureVersion must be \"1\" or \"2\""};
  }
  if (m.type == SnsType::kNotification) {
    auto it = body.find("Subject");
    if (it != body.end() && !it->is_null()) {
      if (!it->is_string()) return AdapterError{"Subject", "Subject must be a string"};
      m.subject = it->get<std::string>();
    }
  } else {
    if (auto e = Take(body, "SubscribeURL", &m.subscribe_url)) return e;
    if (auto e = Take(body, "Token", &m.token)) return e;
  }
  *out = std::move(m);
  return std::nullopt;
}

std::string SnsStringToSign(const SnsMessage& m) {
  std::string s;
  auto add = [&s](std::string_view name, std::string_view value) {
    s.append(name);
    s += '\n';
    s.append(value);
    s += '\n';
  };
  add("Message", m.message);
  add("MessageId", m.message_id);
  if (m.type == SnsType::kNotification) {
    if (m.subject) add("Subject", *m.subject);
  } else {
    add("SubscribeURL", m.subscribe_url);
  }
  add("Timestamp", m.timestamp);
  if (m.type != SnsType::kNotification) add("Token", m.token);
  add("TopicArn", m.topic_arn);
  add("Type", m.type_name);
  return s;
}

bool IsAllowedSnsUrl(std::string_view url, std::string_view override_base, bool pem) {
  // Characters that could make two URL parsers disagree about the host.
  for (char c : url) {
    if (c == '\\' || c == '@' || c == '#' || static_cast<unsigned char>(c) <= 0x20 ||
        static_cast<unsigned char>(c) >= 0x7f) {
      return false;
    }
  }
  std::string_view path;
  if (!override_base.empty()) {
    if (url.size() <= override_base.size() || url.substr(0, override_base.size()) != override_base ||
        url[override_base.size()] != '/') {
      return false;
    }
    path = url.substr(override_base.size());
  } else {
    constexpr std::string_view kScheme = "https://";
    if (url.substr(0, kScheme.size()) != kScheme) return false;
    std::string_view rest = url.substr(kScheme.size());
    size_t slash = rest.find('/');
    if (slash == std::string_view::npos) return false;    // a path is required ("/" at least)
    if (!IsSnsHost(rest.substr(0, slash))) return false;  // a ':port' fails here too
    path = rest.substr(slash);
  }
  if (pem) {
    std::string_view p = path.substr(0, path.find('?'));
    constexpr std::string_view kPem = ".pem";
    if (p.size() <= kPem.size() || p.substr(p.size() - kPem.size()) != kPem) return false;
  }
  return true;
}

}  // namespace aw::core::intake
