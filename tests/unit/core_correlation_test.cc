#include "core/correlation.h"
#include "core/incident_status.h"

#include <gtest/gtest.h>

namespace aw::core {
namespace {

TEST(CoreCorrelationTest, KeysByAggregation) {
  EXPECT_EQ(CorrelationKey(AggregationKey::kAssetSignature, "web", "cpu", "dd"),
            CorrelationKey(AggregationKey::kAssetSignature, "web", "cpu", "prom"));
  EXPECT_NE(CorrelationKey(AggregationKey::kAssetSignatureTool, "web", "cpu", "dd"),
            CorrelationKey(AggregationKey::kAssetSignatureTool, "web", "cpu", "prom"));
  EXPECT_EQ(CorrelationKey(AggregationKey::kSignature, "web", "cpu", "dd"),
            CorrelationKey(AggregationKey::kSignature, "db", "cpu", "x"));
  EXPECT_EQ(CorrelationKey(AggregationKey::kAsset, "web", "cpu", "dd"),
            CorrelationKey(AggregationKey::kAsset, "web", "disk", "x"));
  EXPECT_NE(CorrelationKey(AggregationKey::kAsset, "web", "cpu", "dd"),
            CorrelationKey(AggregationKey::kSignature, "web", "web", "dd"));
}

TEST(CoreCorrelationTest, SeparatorCannotCollide) {
  EXPECT_NE(CorrelationKey(AggregationKey::kAssetSignature, "a|b", "c", ""),
            CorrelationKey(AggregationKey::kAssetSignature, "a", "b|c", ""));
  EXPECT_NE(CorrelationKey(AggregationKey::kAssetSignature, "a\\", "|c", ""),
            CorrelationKey(AggregationKey::kAssetSignature, "a", "\\|c", ""));
}

TEST(CoreCorrelationTest, ParseNames) {
  for (auto k : {AggregationKey::kAssetSignature, AggregationKey::kAssetSignatureTool, AggregationKey::kSignature,
                 AggregationKey::kAsset}) {
    EXPECT_EQ(ParseAggregationKey(AggregationKeyName(k)), k);
  }
  EXPECT_FALSE(ParseAggregationKey("host").has_value());
}

TEST(CoreIncidentStatusTest, Transitions) {
  EXPECT_TRUE(CanTransition("new", "acknowledged"));
  EXPECT_TRUE(CanTransition("acknowledged", "in_progress"));
  EXPECT_TRUE(CanTransition("in_progress", "resolved"));
  EXPECT_TRUE(CanTransition("resolved", "closed"));
  EXPECT_TRUE(CanTransition("new", "escalated"));
  EXPECT_TRUE(CanTransition("new", "new"));
  EXPECT_FALSE(CanTransition("closed", "new"));
  EXPECT_FALSE(CanTransition("closed", "in_progress"));
  EXPECT_FALSE(CanTransition("resolved", "acknowledged"));
  EXPECT_FALSE(CanTransition("new", "closed"));
  EXPECT_FALSE(CanTransition("new", "bogus"));
  EXPECT_TRUE(AllowedTransitions("closed").empty());
  EXPECT_TRUE(IsOpenStatus("escalated"));
  EXPECT_FALSE(IsOpenStatus("resolved"));
}

}  // namespace
}  // namespace aw::core
