#include "crypto/jwt.h"

#include <cstdint>
#include <optional>
#include <utility>

#include "crypto/hash.h"

namespace aw::crypto::jwt {
namespace {

aw::Status Reject(const char* reason) { return aw::Status::Unauthenticated(reason); }

// JWS forbids padding; a token has exactly one accepted spelling.
std::optional<std::string> DecodePart(std::string_view part) {
  if (part.empty() || part.find('=') != std::string_view::npos) return std::nullopt;
  return Base64UrlDecode(part);
}

// Three-way comparison of a JSON number with now: <0, 0, >0. Integers are
// compared exactly; only fractional values go through double.
int CompareWithNow(const nlohmann::json& v, int64_t now) {
  if (v.is_number_unsigned()) {
    uint64_t u = v.get<uint64_t>();
    if (now < 0) return 1;
    uint64_t n = static_cast<uint64_t>(now);
    return u < n ? -1 : (u > n ? 1 : 0);
  }
  if (v.is_number_integer()) {
    int64_t i = v.get<int64_t>();
    return i < now ? -1 : (i > now ? 1 : 0);
  }
  double d = v.get<double>();
  double n = static_cast<double>(now);
  return d < n ? -1 : (d > n ? 1 : 0);
}

std::optional<nlohmann::json> ParseObject(std::string_view text) {
  nlohmann::json j = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded() || !j.is_object()) return std::nullopt;
  return j;
}

}  // namespace

std::string SignHs256(const nlohmann::json& claims, std::string_view secret) {
  static const std::string kHeader = Base64UrlEncode(R"({"alg":"HS256","typ":"JWT"})");
  std::string signing_input = kHeader + "." + Base64UrlEncode(claims.dump());
  return signing_input + "." + Base64UrlEncode(HmacSha256(secret, signing_input));
}

aw::Result<nlohmann::json> VerifyHs256(std::string_view token, std::string_view secret, int64_t now_seconds) {
  size_t dot1 = token.find('.');
  if (dot1 == std::string_view::npos) return Reject("malformed token");
  size_t dot2 = token.find('.', dot1 + 1);
  if (dot2 == std::string_view::npos || token.find('.', dot2 + 1) != std::string_view::npos) {
    return Reject("malformed token");
  }
  std::string_view header_b64 = token.substr(0, dot1);
  std::string_view claims_b64 = token.substr(dot1 + 1, dot2 - dot1 - 1);
  std::string_view signature_b64 = token.substr(dot2 + 1);

  std::optional<std::string> header_json = DecodePart(header_b64);
  if (!header_json) return Reject("malformed token");
  std::optional<nlohmann::json> header = ParseObject(*header_json);
  if (!header) return Reject("malformed token");
  auto alg = header->find("alg");
  if (alg == header->end() || !alg->is_string() || alg->get<std::string>() != "HS256") {
    return Reject("unsupported algorithm");
  }
  // We implement no JWS extensions, so any critical one must be refused (RFC 7515 4.1.11).
  if (header->contains("crit")) return Reject("malformed token");

  std::optional<std::string> signature = DecodePart(signature_b64);
  if (!signature) return Reject("malformed token");
  std::string expected = HmacSha256(secret, token.substr(0, dot2));
  if (!ConstantTimeEquals(*signature, expected)) return Reject("bad signature");

  std::optional<std::string> claims_json = DecodePart(claims_b64);
  if (!claims_json) return Reject("malformed token");
  std::optional<nlohmann::json> claims = ParseObject(*claims_json);
  if (!claims) return Reject("malformed token");

  auto exp = claims->find("exp");
  if (exp == claims->end() || !exp->is_number()) return Reject("missing exp claim");
  if (CompareWithNow(*exp, now_seconds) <= 0) return Reject("token expired");
  auto nbf = claims->find("nbf");
  if (nbf != claims->end()) {
    if (!nbf->is_number()) return Reject("malformed token");
    if (CompareWithNow(*nbf, now_seconds) > 0) return Reject("token not yet valid");
  }
  return std::move(*claims);
}

}  // namespace aw::crypto::jwt
