#include <gtest/gtest.h>

#include <set>
#include <string>

#include "crypto/hash.h"

namespace aw::crypto {
namespace {

std::string Unhex(std::string_view hex) { return HexDecode(hex).value(); }

TEST(CryptoHashTest, Sha256KnownAnswers) {
  // FIPS 180-2 examples.
  EXPECT_EQ(Sha256Hex(""), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  EXPECT_EQ(Sha256Hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  EXPECT_EQ(Sha256Hex("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq"),
            "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
  EXPECT_EQ(Sha256Hex(std::string(1000000, 'a')),
            "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
  EXPECT_EQ(Sha256("abc").size(), 32u);
  EXPECT_EQ(HexEncode(Sha256("abc")), Sha256Hex("abc"));
  // Embedded NUL bytes are data, not terminators.
  EXPECT_NE(Sha256Hex(std::string("a\0b", 3)), Sha256Hex("a"));
}

struct HmacCase {
  std::string key;
  std::string data;
  std::string hex;
};

TEST(CryptoHashTest, HmacSha256Rfc4231) {
  const std::string key131(131, '\xaa');
  const HmacCase cases[] = {
      {std::string(20, '\x0b'), "Hi There",
       "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7"},
      {"Jefe", "what do ya want for nothing?",
       "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"},
      {std::string(20, '\xaa'), std::string(50, '\xdd'),
       "773ea91e36800e46854db8ebd09181a72959098b3ef8c122d9635514ced565fe"},
      {Unhex("0102030405060708090a0b0c0d0e0f10111213141516171819"), std::string(50, '\xcd'),
       "82558a389a443c0ea4cc819899f2083a85f0faa3e578f8077a2e3ff46729665b"},
      {key131, "Test Using Larger Than Block-Size Key - Hash Key First",
       "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54"},
      {key131,
       "This is a test using a larger than block-size key and a larger than block-size data. The key needs "
       "to be hashed before being used by the HMAC algorithm.",
       "9b09ffa71b942fcb27635fbcd5b0e944bfdc63644f0713938a7f51535c3a35e2"},
  };
  for (const auto& c : cases) EXPECT_EQ(HexEncode(HmacSha256(c.key, c.data)), c.hex) << c.data;
  // Test case 5 is truncated to 128 bits.
  EXPECT_EQ(HexEncode(HmacSha256(std::string(20, '\x0c'), "Test With Truncation")).substr(0, 32),
            "a3b6167473100ee06e0c796c2955552b");
  // Empty key and data are valid.
  EXPECT_EQ(HexEncode(HmacSha256("", "")),
            "b613679a0814d9ec772f95d778c35fc5ff1697c493715653c6c712144292c5ad");
}

TEST(CryptoHashTest, HexRoundTripAndRejects) {
  EXPECT_EQ(HexEncode("foobar"), "666f6f626172");
  EXPECT_EQ(HexDecode("666F6F626172"), "foobar");  // RFC 4648 base16 vector, upper case
  EXPECT_EQ(HexDecode(""), "");
  std::string all;
  for (int i = 0; i < 256; ++i) all += static_cast<char>(i);
  EXPECT_EQ(HexDecode(HexEncode(all)), all);
  EXPECT_FALSE(HexDecode("abc").has_value());   // odd length
  EXPECT_FALSE(HexDecode("zz").has_value());    // not hex
  EXPECT_FALSE(HexDecode("0x12").has_value());  // prefix
  EXPECT_FALSE(HexDecode("12 4").has_value());
}

TEST(CryptoHashTest, Base64Rfc4648Vectors) {
  const std::pair<std::string, std::string> vectors[] = {
      {"", ""},
      {"f", "Zg=="},
      {"fo", "Zm8="},
      {"foo", "Zm9v"},
      {"foob", "Zm9vYg=="},
      {"fooba", "Zm9vYmE="},
      {"foobar", "Zm9vYmFy"},
  };
  for (const auto& [raw, enc] : vectors) {
    EXPECT_EQ(Base64Encode(raw), enc);
    EXPECT_EQ(Base64Decode(enc), raw) << enc;
    std::string unpadded = enc.substr(0, enc.find('='));
    EXPECT_EQ(Base64UrlEncode(raw), unpadded);
    EXPECT_EQ(Base64UrlDecode(unpadded), raw) << unpadded;
    EXPECT_EQ(Base64UrlDecode(enc), raw) << "padded url form " << enc;
  }
}

TEST(CryptoHashTest, Base64AlphabetsDiffer) {
  const std::string raw = "\xfb\xff\xbf";  // encodes to the last two alphabet characters
  EXPECT_EQ(Base64Encode(raw), "+/+/");
  EXPECT_EQ(Base64UrlEncode(raw), "-_-_");
  EXPECT_FALSE(Base64Decode("-_-_").has_value());
  EXPECT_FALSE(Base64UrlDecode("+/+/").has_value());
}

TEST(CryptoHashTest, Base64RoundTripAllLengths) {
  std::string data;
  for (int n = 0; n < 70; ++n) {
    EXPECT_EQ(Base64Decode(Base64Encode(data)), data);
    EXPECT_EQ(Base64UrlDecode(Base64UrlEncode(data)), data);
    data += static_cast<char>(n * 37 + 11);
  }
  std::string random = RandomBytes(1000);
  EXPECT_EQ(Base64Decode(Base64Encode(random)), random);
  EXPECT_EQ(Base64UrlDecode(Base64UrlEncode(random)), random);
}

TEST(CryptoHashTest, Base64RejectsGarbage) {
  EXPECT_FALSE(Base64Decode("Zg").has_value());        // standard requires padding
  EXPECT_FALSE(Base64Decode("Zg=").has_value());       // wrong padding length
  EXPECT_FALSE(Base64Decode("Z===").has_value());      // too much padding
  EXPECT_FALSE(Base64Decode("Zg==Zg==").has_value());  // padding in the middle
  EXPECT_FALSE(Base64Decode("Zm9v\n").has_value());    // whitespace
  EXPECT_FALSE(Base64Decode("Zm9*").has_value());
  EXPECT_FALSE(Base64Decode("Zh==").has_value());    // non-zero unused bits: not canonical
  EXPECT_FALSE(Base64UrlDecode("Z").has_value());    // impossible length
  EXPECT_FALSE(Base64UrlDecode("Zg=").has_value());  // partial padding
  EXPECT_FALSE(Base64UrlDecode("Zh").has_value());
  EXPECT_FALSE(Base64UrlDecode("Zm 9v").has_value());
  EXPECT_FALSE(Base64UrlDecode("====").has_value());
}

TEST(CryptoHashTest, RandomBytes) {
  EXPECT_EQ(RandomBytes(0), "");
  EXPECT_EQ(RandomBytes(33).size(), 33u);
  std::set<std::string> seen;
  for (int i = 0; i < 100; ++i) seen.insert(RandomBytes(16));
  EXPECT_EQ(seen.size(), 100u);
}

TEST(CryptoHashTest, ConstantTimeEquals) {
  EXPECT_TRUE(ConstantTimeEquals("", ""));
  EXPECT_TRUE(ConstantTimeEquals("secret", "secret"));
  EXPECT_FALSE(ConstantTimeEquals("secret", "secreT"));
  EXPECT_FALSE(ConstantTimeEquals("Secret", "secret"));
  EXPECT_FALSE(ConstantTimeEquals("secret", "secret1"));
  EXPECT_FALSE(ConstantTimeEquals("", "a"));
  EXPECT_TRUE(ConstantTimeEquals(std::string("a\0b", 3), std::string("a\0b", 3)));
  EXPECT_FALSE(ConstantTimeEquals(std::string("a\0b", 3), std::string("a\0c", 3)));
}

}  // namespace
}  // namespace aw::crypto
