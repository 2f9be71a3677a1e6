#include "core/token_bucket.h"
#include "core/webhook_signature.h"

#include <gtest/gtest.h>

#include "crypto/hash.h"

namespace aw::core {
namespace {

SignatureCheck Check(std::string_view sig, std::string_view ts, std::string_view body, int64_t now) {
  SignatureInput in{sig, ts, body, now, 300};
  return VerifyWebhookSignature(
      in, [](std::string_view m) { return crypto::HexEncode(crypto::HmacSha256("s3cret", m)); },
      [](std::string_view a, std::string_view b) { return crypto::ConstantTimeEquals(a, b); });
}

std::string Sign(std::string_view ts, std::string_view body) {
  return "sha256=" + crypto::HexEncode(crypto::HmacSha256("s3cret", std::string(ts) + "." + std::string(body)));
}

TEST(CoreWebhookSignatureTest, EachFailureHasItsOwnResult) {
  const int64_t now = 1'700'000'000;
  const std::string ts = std::to_string(now);
  const std::string body = R"({"a":1})";
  EXPECT_EQ(Check(Sign(ts, body), ts, body, now), SignatureCheck::kOk);
  EXPECT_EQ(Check("", ts, body, now), SignatureCheck::kMissingSignature);
  EXPECT_EQ(Check(Sign(ts, body), "", body, now), SignatureCheck::kMissingTimestamp);
  EXPECT_EQ(Check(Sign(ts, body), "17000x", body, now), SignatureCheck::kMalformedTimestamp);
  EXPECT_EQ(Check(Sign(ts, body), "-5", body, now), SignatureCheck::kMalformedTimestamp);
  EXPECT_EQ(Check(Sign(ts, body), ts, body, now + 301), SignatureCheck::kStaleTimestamp);
  EXPECT_EQ(Check(Sign(ts, body), ts, body, now - 301), SignatureCheck::kStaleTimestamp);
  EXPECT_EQ(Check(Sign(ts, body), ts, body, now + 300), SignatureCheck::kOk);
  EXPECT_EQ(Check("md5=abc", ts, body, now), SignatureCheck::kMalformedSignature);
  EXPECT_EQ(Check("sha256=zz", ts, body, now), SignatureCheck::kMalformedSignature);
  EXPECT_EQ(Check(Sign(ts, body + " "), ts, body, now), SignatureCheck::kBadSignature);
  std::string upper = Sign(ts, body);
  for (size_t i = 7; i < upper.size(); ++i) upper[i] = static_cast<char>(std::toupper(upper[i]));
  EXPECT_EQ(Check(upper, ts, body, now), SignatureCheck::kOk);
  EXPECT_STRNE(SignatureCheckCode(SignatureCheck::kStaleTimestamp), SignatureCheckCode(SignatureCheck::kBadSignature));
}

TEST(CoreTokenBucketTest, BurstThenRefill) {
  TokenBucket b;
  int64_t t = 1'000'000;
  for (int i = 0; i < 5; ++i) EXPECT_TRUE(TakeToken(&b, 60, 5, t).allowed) << i;
  auto r = TakeToken(&b, 60, 5, t);
  EXPECT_FALSE(r.allowed);
  EXPECT_EQ(r.retry_after_s, 1);
  EXPECT_EQ(r.remaining, 0);
  t += 1'000'000;  // one token a second
  EXPECT_TRUE(TakeToken(&b, 60, 5, t).allowed);
  EXPECT_FALSE(TakeToken(&b, 60, 5, t).allowed);
  t += 60'000'000;
  auto full = TakeToken(&b, 60, 5, t);
  EXPECT_TRUE(full.allowed);
  EXPECT_EQ(full.remaining, 4);
}

TEST(CoreTokenBucketTest, HighRates) {
  TokenBucket b;
  int64_t t = 0;
  int allowed = 0;
  // 100,000 a minute with a burst of 1,000: over one simulated second,
  // 1,000 + ~1,666 requests pass.
  for (int i = 0; i < 10000; ++i) {
    t += 100;  // 10,000 requests per second offered
    if (TakeToken(&b, 100000, 1000, t).allowed) ++allowed;
  }
  EXPECT_GE(allowed, 2600);
  EXPECT_LE(allowed, 2700);
}

}  // namespace
}  // namespace aw::core
