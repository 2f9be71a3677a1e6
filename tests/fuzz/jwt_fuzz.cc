// JWT parsing and verification (crypto/jwt.h).
//
// Input: byte 0 chooses the mode, the rest is
//   mode 0: a token, verified with the fuzzing secret (a mutated seed token
//           keeps its signature only if the signed part is untouched);
//   mode 1: "<header JSON>\n<claims JSON>", which this target signs with the
//           secret, so the fuzzer reaches everything after the signature
//           check (alg, crit, claims, exp, nbf);
//   mode 2: a claims object, signed with SignHs256 and verified back.
// Invariants: an accepted token has one spelling (each part re-encodes to
// itself), alg HS256 and an exp in the future; a token of any other
// secret is refused; SignHs256 then VerifyHs256 gives the claims back.

#include <cstddef>
#include <cstdint>
#include <string>

#include "crypto/hash.h"
#include "crypto/jwt.h"
#include "fuzz_util.h"

namespace {

namespace crypto = aw::crypto;
using nlohmann::json;

constexpr std::string_view kSecret = "fuzz-secret-0123456789abcdef0123456789";
constexpr int64_t kNow = 1'780'000'000;

void CheckAccepted(std::string_view token, const json& claims) {
  size_t dot1 = token.find('.');
  size_t dot2 = token.find('.', dot1 + 1);
  for (std::string_view part : {token.substr(0, dot1), token.substr(dot1 + 1, dot2 - dot1 - 1), token.substr(dot2 + 1)}) {
    auto raw = crypto::Base64UrlDecode(part);
    FUZZ_CHECK(raw && crypto::Base64UrlEncode(*raw) == part, "a second spelling was accepted: " + std::string(part));
  }
  json header = json::parse(*crypto::Base64UrlDecode(token.substr(0, dot1)));
  FUZZ_CHECK(header.value("alg", "") == "HS256", header.dump());
  FUZZ_CHECK(claims.is_object() && claims.contains("exp") && claims["exp"].is_number(), claims.dump());
  FUZZ_CHECK(claims["exp"].get<double>() > static_cast<double>(kNow) - 1, claims.dump());
  auto other = crypto::jwt::VerifyHs256(token, "another-secret", kNow);
  FUZZ_CHECK(!other.ok(), "accepted with another secret");
}

void Verify(std::string_view token) {
  auto r = crypto::jwt::VerifyHs256(token, kSecret, kNow);
  if (r.ok()) CheckAccepted(token, *r);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 1) return 0;
  std::string_view rest = aw::fuzz::AsText(data + 1, size - 1);
  switch (data[0] % 3) {
    case 0:
      Verify(rest);
      break;
    case 1: {
      size_t nl = rest.find('\n');
      if (nl == std::string_view::npos) return 0;
      std::string input = crypto::Base64UrlEncode(rest.substr(0, nl)) + "." +
                          crypto::Base64UrlEncode(rest.substr(nl + 1));
      Verify(input + "." + crypto::Base64UrlEncode(crypto::HmacSha256(kSecret, input)));
      break;
    }
    default: {
      json claims = json::parse(rest, nullptr, /*allow_exceptions=*/false);
      if (!claims.is_object() || !aw::fuzz::Dumps(claims)) return 0;
      claims["exp"] = kNow + 60;
      claims.erase("nbf");
      auto r = crypto::jwt::VerifyHs256(crypto::jwt::SignHs256(claims, kSecret), kSecret, kNow);
      FUZZ_CHECK(r.ok(), r.status().ToString());
      FUZZ_CHECK(*r == claims, r->dump() + " != " + claims.dump());
      break;
    }
  }
  return 0;
}
