#include <gtest/gtest.h>

#include <vector>

#include "crypto/hash.h"
#include "store/page_token.h"

namespace aw::store {
namespace {

using crypto::Base64UrlDecode;
using crypto::Base64UrlEncode;

TEST(StorePageTokenTest, Base64UrlMatchesRfc4648Vectors) {
  // RFC 4648 section 10, in the URL alphabet without padding: the one
  // base64url (crypto/hash.h) that page tokens are written in.
  EXPECT_EQ(Base64UrlEncode(""), "");
  EXPECT_EQ(Base64UrlEncode("f"), "Zg");
  EXPECT_EQ(Base64UrlEncode("fo"), "Zm8");
  EXPECT_EQ(Base64UrlEncode("foo"), "Zm9v");
  EXPECT_EQ(Base64UrlEncode("foob"), "Zm9vYg");
  EXPECT_EQ(Base64UrlEncode("fooba"), "Zm9vYmE");
  EXPECT_EQ(Base64UrlEncode("foobar"), "Zm9vYmFy");
  EXPECT_EQ(Base64UrlEncode("\xfb\xff"), "-_8");
  for (std::string s : {"", "f", "fo", "foo", "foob", "fooba", "foobar", "\xfb\xff\x00\x01"}) {
    EXPECT_EQ(Base64UrlDecode(Base64UrlEncode(s)), s);
  }
  EXPECT_EQ(Base64UrlDecode("Zm9v+"), std::nullopt);  // standard alphabet
  EXPECT_EQ(Base64UrlDecode("Zm9vY"), std::nullopt);  // impossible length
  EXPECT_EQ(Base64UrlDecode("Zh"), std::nullopt);     // non-zero spare bits
}

TEST(StorePageTokenTest, APaddedTokenIsMalformed) {
  // One spelling per token: the padded form of a valid token is refused.
  std::string text = EncodePageToken({"Alerts", "", Key{"c1", "ab"}, std::nullopt, std::nullopt});
  ASSERT_TRUE(DecodePageToken(text).ok());
  ASSERT_NE(text.size() % 4, 0u);  // so that padding is due
  while (text.size() % 4 != 0) text += '=';
  EXPECT_EQ(DecodePageToken(text).status().code(), Code::kInvalidArgument);
  EXPECT_EQ(DecodePageToken("Zm8=").status().code(), Code::kInvalidArgument);
}

TEST(StorePageTokenTest, TokensRoundTrip) {
  PageToken table{"Alerts", "", Key{"c1", "id\"9"}, std::nullopt, std::nullopt};
  PageToken index{"Alerts", "by-time", Key{"c1", "a1"}, "c1", "2024-01-01T00:00:00.000000Z"};
  PageToken no_sk{"Users", "email-index", Key{"u1", std::nullopt}, "a@b.c", std::nullopt};
  PageToken scan{"Users", "", Key{"u1", std::nullopt}, std::nullopt, std::nullopt, true};
  for (const auto& t : {table, index, no_sk, scan}) {
    std::string text = EncodePageToken(t);
    EXPECT_EQ(text.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"),
              std::string::npos);
    auto back = DecodePageToken(text);
    ASSERT_TRUE(back.ok()) << back.status().ToString();
    EXPECT_EQ(*back, t);
  }
}

TEST(StorePageTokenTest, MalformedTokensAreInvalidArgument) {
  for (std::string bad : std::vector<std::string>{
           "", "%%%", Base64UrlEncode("null"), Base64UrlEncode("{\"v\":2,\"t\":\"A\",\"pk\":\"x\"}"),
           Base64UrlEncode("{\"v\":1,\"t\":\"A\"}"), Base64UrlEncode("{\"v\":1,\"t\":\"A\",\"pk\":5}"),
           Base64UrlEncode("{\"v\":1,\"t\":\"A\",\"pk\":\"x\",\"i\":\"idx\"}"),  // index without its key
           Base64UrlEncode("{\"v\":1,\"t\":\"A\",\"pk\":\"x\",\"isk\":\"y\"}")}) {
    auto r = DecodePageToken(bad);
    EXPECT_EQ(r.status().code(), Code::kInvalidArgument) << bad;
  }
}

}  // namespace
}  // namespace aw::store
