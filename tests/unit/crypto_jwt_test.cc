#include <gtest/gtest.h>

#include <string>

#include "crypto/hash.h"
#include "crypto/jwt.h"

namespace aw::crypto::jwt {
namespace {

using nlohmann::json;

constexpr int64_t kNow = 1'700'000'000;
constexpr char kSecret[] = "jwt-secret-for-tests";

// Builds a token from raw header/claims text, signed with HS256 over exactly those bytes.
std::string Forge(std::string_view header, std::string_view claims, std::string_view secret = kSecret) {
  std::string input = Base64UrlEncode(header) + "." + Base64UrlEncode(claims);
  return input + "." + Base64UrlEncode(HmacSha256(secret, input));
}

void ExpectRejected(const aw::Result<json>& r, std::string_view reason) {
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), Code::kUnauthenticated);
  EXPECT_EQ(r.status().message(), reason);
}

TEST(CryptoJwtTest, SignProducesStandardHeaderAndVerifies) {
  json claims = {{"sub", "user-1"}, {"role", "technician"}, {"exp", kNow + 60}};
  std::string token = SignHs256(claims, kSecret);
  size_t dot = token.find('.');
  EXPECT_EQ(*Base64UrlDecode(token.substr(0, dot)), R"({"alg":"HS256","typ":"JWT"})");
  EXPECT_EQ(token.find('='), std::string::npos);
  auto r = VerifyHs256(token, kSecret, kNow);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(*r, claims);
}

TEST(CryptoJwtTest, JwtIoKnownAnswer) {
  // The jwt.io example token (HS256, secret "your-256-bit-secret"); with exp added it must verify.
  std::string token = Forge(R"({"alg":"HS256","typ":"JWT"})",
                            R"({"sub":"1234567890","name":"John Doe","iat":1516239022,"exp":9999999999})",
                            "your-256-bit-secret");
  auto r = VerifyHs256(token, "your-256-bit-secret", kNow);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ((*r)["name"], "John Doe");
  // And the plain jwt.io token (no exp) has the well-known signature but is refused for lacking exp.
  const std::string jwt_io =
      "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9."
      "eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkpvaG4gRG9lIiwiaWF0IjoxNTE2MjM5"
      "MDIyfQ.SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c";
  ExpectRejected(VerifyHs256(jwt_io, "your-256-bit-secret", kNow), "missing exp claim");
  ExpectRejected(VerifyHs256(jwt_io, "not-the-secret", kNow), "bad signature");
  // Our header encodes to the same bytes as the jwt.io header.
  std::string ours = SignHs256({{"exp", 1}}, "k");
  EXPECT_EQ(ours.substr(0, ours.find('.')), "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9");
}

TEST(CryptoJwtTest, Expiry) {
  ExpectRejected(VerifyHs256(SignHs256({{"exp", kNow}}, kSecret), kSecret, kNow), "token expired");
  ExpectRejected(VerifyHs256(SignHs256({{"exp", kNow - 1}}, kSecret), kSecret, kNow), "token expired");
  EXPECT_TRUE(VerifyHs256(SignHs256({{"exp", kNow + 1}}, kSecret), kSecret, kNow).ok());
  // Fractional NumericDate values are numbers too.
  EXPECT_TRUE(VerifyHs256(SignHs256({{"exp", kNow + 0.5}}, kSecret), kSecret, kNow).ok());
  ExpectRejected(VerifyHs256(SignHs256({{"exp", kNow - 0.5}}, kSecret), kSecret, kNow), "token expired");
}

TEST(CryptoJwtTest, ExpRequiredAndNumeric) {
  ExpectRejected(VerifyHs256(SignHs256({{"sub", "x"}}, kSecret), kSecret, kNow), "missing exp claim");
  ExpectRejected(VerifyHs256(SignHs256({{"exp", std::to_string(kNow + 60)}}, kSecret), kSecret, kNow),
                 "missing exp claim");
  ExpectRejected(VerifyHs256(SignHs256({{"exp", nullptr}}, kSecret), kSecret, kNow), "missing exp claim");
}

TEST(CryptoJwtTest, NotBefore) {
  EXPECT_TRUE(VerifyHs256(SignHs256({{"exp", kNow + 60}, {"nbf", kNow}}, kSecret), kSecret, kNow).ok());
  EXPECT_TRUE(VerifyHs256(SignHs256({{"exp", kNow + 60}, {"nbf", kNow - 5}}, kSecret), kSecret, kNow).ok());
  ExpectRejected(VerifyHs256(SignHs256({{"exp", kNow + 60}, {"nbf", kNow + 1}}, kSecret), kSecret, kNow),
                 "token not yet valid");
  ExpectRejected(VerifyHs256(SignHs256({{"exp", kNow + 60}, {"nbf", "soon"}}, kSecret), kSecret, kNow),
                 "malformed token");
}

TEST(CryptoJwtTest, AlgorithmMustBeExactlyHs256) {
  const std::string claims = R"({"exp":9999999999})";
  // alg "none" with an empty signature: the classic downgrade.
  std::string none = Base64UrlEncode(R"({"alg":"none","typ":"JWT"})") + "." + Base64UrlEncode(claims) + ".";
  ExpectRejected(VerifyHs256(none, kSecret, kNow), "unsupported algorithm");
  // alg "none" even with a valid HS256 MAC.
  ExpectRejected(VerifyHs256(Forge(R"({"alg":"none"})", claims), kSecret, kNow), "unsupported algorithm");
  ExpectRejected(VerifyHs256(Forge(R"({"alg":"HS512","typ":"JWT"})", claims), kSecret, kNow),
                 "unsupported algorithm");
  ExpectRejected(VerifyHs256(Forge(R"({"alg":"RS256"})", claims), kSecret, kNow), "unsupported algorithm");
  ExpectRejected(VerifyHs256(Forge(R"({"alg":"hs256"})", claims), kSecret, kNow), "unsupported algorithm");
  ExpectRejected(VerifyHs256(Forge(R"({"typ":"JWT"})", claims), kSecret, kNow), "unsupported algorithm");
  ExpectRejected(VerifyHs256(Forge(R"({"alg":["HS256"]})", claims), kSecret, kNow), "unsupported algorithm");
  // typ is optional; key order and whitespace in the header do not matter.
  EXPECT_TRUE(VerifyHs256(Forge(R"({ "typ" : "JWT", "alg" : "HS256" })", claims), kSecret, kNow).ok());
  EXPECT_TRUE(VerifyHs256(Forge(R"({"alg":"HS256"})", claims), kSecret, kNow).ok());
  ExpectRejected(VerifyHs256(Forge(R"({"alg":"HS256","crit":["exp"]})", claims), kSecret, kNow),
                 "malformed token");
}

TEST(CryptoJwtTest, SignatureChecks) {
  std::string token = SignHs256({{"exp", kNow + 60}, {"role", "client"}}, kSecret);
  ExpectRejected(VerifyHs256(token, "wrong-secret", kNow), "bad signature");
  ExpectRejected(VerifyHs256(token, "", kNow), "bad signature");

  // Altered claims with the original signature (privilege escalation attempt).
  size_t d1 = token.find('.'), d2 = token.rfind('.');
  std::string forged_claims = Base64UrlEncode(R"({"exp":9999999999,"role":"msp_admin"})");
  ExpectRejected(VerifyHs256(token.substr(0, d1 + 1) + forged_claims + token.substr(d2), kSecret, kNow),
                 "bad signature");

  // Every single-character change of the signature is caught.
  std::string sig = token.substr(d2 + 1);
  std::string flipped = sig;
  flipped[0] = flipped[0] == 'A' ? 'B' : 'A';
  ExpectRejected(VerifyHs256(token.substr(0, d2 + 1) + flipped, kSecret, kNow), "bad signature");
  // Truncated and empty signatures.
  auto truncated = VerifyHs256(token.substr(0, token.size() - 4), kSecret, kNow);
  ASSERT_FALSE(truncated.ok());
  EXPECT_EQ(truncated.status().code(), Code::kUnauthenticated);
  ExpectRejected(VerifyHs256(token.substr(0, d2 + 1), kSecret, kNow), "malformed token");
}

TEST(CryptoJwtTest, StructureMustBeThreeParts) {
  std::string token = SignHs256({{"exp", kNow + 60}}, kSecret);
  size_t d2 = token.rfind('.');
  ExpectRejected(VerifyHs256(token.substr(0, d2), kSecret, kNow), "malformed token");  // 2 parts
  ExpectRejected(VerifyHs256(token + ".", kSecret, kNow), "malformed token");          // 4 parts
  ExpectRejected(VerifyHs256(token + ".AAAA", kSecret, kNow), "malformed token");
  ExpectRejected(VerifyHs256("", kSecret, kNow), "malformed token");
  ExpectRejected(VerifyHs256("..", kSecret, kNow), "malformed token");
  ExpectRejected(VerifyHs256("abc", kSecret, kNow), "malformed token");
  ExpectRejected(VerifyHs256("Bearer " + token, kSecret, kNow), "malformed token");
}

TEST(CryptoJwtTest, GarbageBase64AndJson) {
  std::string token = SignHs256({{"exp", kNow + 60}}, kSecret);
  size_t d1 = token.find('.'), d2 = token.rfind('.');
  std::string header = token.substr(0, d1), claims = token.substr(d1 + 1, d2 - d1 - 1),
              sig = token.substr(d2 + 1);
  ExpectRejected(VerifyHs256("!!!." + claims + "." + sig, kSecret, kNow), "malformed token");
  ExpectRejected(VerifyHs256(header + "." + claims + ".***", kSecret, kNow), "malformed token");
  ExpectRejected(VerifyHs256(header + "=." + claims + "." + sig, kSecret, kNow), "malformed token");
  // The standard alphabet's '+' and '/' are not base64url.
  ExpectRejected(VerifyHs256(header + "." + claims + "." + sig + "+/", kSecret, kNow), "malformed token");
  // Header that is not JSON, or JSON but not an object.
  ExpectRejected(VerifyHs256(Forge("not json", R"({"exp":9999999999})"), kSecret, kNow), "malformed token");
  ExpectRejected(VerifyHs256(Forge(R"(["HS256"])", R"({"exp":9999999999})"), kSecret, kNow),
                 "malformed token");
  // Correctly signed claims that are not a JSON object.
  ExpectRejected(VerifyHs256(Forge(R"({"alg":"HS256"})", "[1,2]"), kSecret, kNow), "malformed token");
  ExpectRejected(VerifyHs256(Forge(R"({"alg":"HS256"})", "{\"exp\":"), kSecret, kNow), "malformed token");
  ExpectRejected(VerifyHs256(Forge(R"({"alg":"HS256"})", ""), kSecret, kNow), "malformed token");
}

}  // namespace
}  // namespace aw::crypto::jwt
