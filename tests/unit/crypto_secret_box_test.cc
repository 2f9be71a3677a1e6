#include <gtest/gtest.h>

#include <string>

#include "crypto/hash.h"
#include "crypto/secret_box.h"

namespace aw::crypto {
namespace {

SecretBox MakeBox(char fill = 'k') { return SecretBox::FromKey(std::string(32, fill)).value(); }

TEST(CryptoSecretBoxTest, KeyMustBe32Bytes) {
  for (size_t n : {0, 16, 31, 33, 64}) {
    auto r = SecretBox::FromKey(std::string(n, 'x'));
    ASSERT_FALSE(r.ok()) << n;
    EXPECT_EQ(r.status().code(), Code::kInvalidArgument);
  }
  EXPECT_TRUE(SecretBox::FromKey(RandomBytes(32)).ok());
}

TEST(CryptoSecretBoxTest, RoundTripAndFormat) {
  SecretBox box = MakeBox();
  for (std::string pt : {std::string(), std::string("x"), std::string("hmac-secret-123"),
                         std::string(1000, '\0'), RandomBytes(4097)}) {
    std::string sealed = box.Seal(pt);
    ASSERT_EQ(sealed.substr(0, 3), "v1.");
    auto raw = Base64UrlDecode(sealed.substr(3));
    ASSERT_TRUE(raw.has_value());
    EXPECT_EQ(raw->size(), 12 + pt.size() + 16);
    EXPECT_EQ(sealed.find('='), std::string::npos);
    auto opened = box.Open(sealed);
    ASSERT_TRUE(opened.ok()) << opened.status().ToString();
    EXPECT_EQ(*opened, pt);
  }
}

TEST(CryptoSecretBoxTest, FreshNoncePerSeal) {
  SecretBox box = MakeBox();
  std::string a = box.Seal("same");
  std::string b = box.Seal("same");
  EXPECT_NE(a, b);
  EXPECT_NE(Base64UrlDecode(a.substr(3))->substr(0, 12), Base64UrlDecode(b.substr(3))->substr(0, 12));
  EXPECT_EQ(*box.Open(a), "same");
  EXPECT_EQ(*box.Open(b), "same");
}

TEST(CryptoSecretBoxTest, EveryTamperedByteIsRejected) {
  SecretBox box = MakeBox();
  std::string sealed = box.Seal("aws-secret-access-key");
  std::string raw = *Base64UrlDecode(sealed.substr(3));
  for (size_t i = 0; i < raw.size(); ++i) {
    std::string bad = raw;
    bad[i] = static_cast<char>(bad[i] ^ 0x01);
    auto r = box.Open("v1." + Base64UrlEncode(bad));
    ASSERT_FALSE(r.ok()) << "byte " << i;
    EXPECT_EQ(r.status().code(), Code::kInvalidArgument);
  }
  // Truncations and extensions.
  EXPECT_FALSE(box.Open("v1." + Base64UrlEncode(raw.substr(0, raw.size() - 1))).ok());
  EXPECT_FALSE(box.Open("v1." + Base64UrlEncode(raw + "x")).ok());
}

TEST(CryptoSecretBoxTest, WrongKeyRejected) {
  std::string sealed = MakeBox('a').Seal("secret");
  auto r = MakeBox('b').Open(sealed);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), Code::kInvalidArgument);
}

TEST(CryptoSecretBoxTest, GarbageRejectedWithoutCrash) {
  SecretBox box = MakeBox();
  for (std::string_view s :
       {"", "v1.", "v1", "v2.AAAA", "v1.!!!!", "v1.AAAA", "secret",
        "v1.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", "V1.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"}) {
    auto r = box.Open(s);
    ASSERT_FALSE(r.ok()) << s;
    EXPECT_EQ(r.status().code(), Code::kInvalidArgument) << s;
  }
  // Exactly nonce + tag of zeros: right length, fails authentication.
  EXPECT_FALSE(box.Open("v1." + Base64UrlEncode(std::string(28, '\0'))).ok());
}

TEST(CryptoSecretBoxTest, AssociatedDataBindsTheSecret) {
  SecretBox box = MakeBox();
  std::string sealed = box.Seal("hmac-secret", "company-1");
  ASSERT_TRUE(box.Open(sealed, "company-1").ok());
  EXPECT_EQ(*box.Open(sealed, "company-1"), "hmac-secret");
  EXPECT_FALSE(box.Open(sealed, "company-2").ok());
  EXPECT_FALSE(box.Open(sealed).ok());
  // And a value sealed without aad does not open with one.
  std::string plain = box.Seal("hmac-secret");
  EXPECT_FALSE(box.Open(plain, "company-1").ok());
  EXPECT_TRUE(box.Open(plain, "").ok());
}

}  // namespace
}  // namespace aw::crypto
