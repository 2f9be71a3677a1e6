#include "core/priority.h"

#include <gtest/gtest.h>

namespace aw::core {
namespace {

struct Case {
  const char* name;
  PriorityInput in;
  int want;
};

TEST(CorePriorityTest, TableDriven) {
  const Case cases[] = {
      {"low single alert", {Severity::kLow, false, 1, 1, 0}, 12},
      {"medium single alert", {Severity::kMedium, false, 1, 1, 0}, 32},
      {"high single alert", {Severity::kHigh, false, 1, 1, 0}, 62},
      {"critical single alert", {Severity::kCritical, false, 1, 1, 0}, 92},
      {"critical asset", {Severity::kHigh, true, 1, 1, 0}, 82},
      {"alerts capped at +20", {Severity::kLow, false, 50, 1, 0}, 30},
      {"ten alerts is exactly the cap", {Severity::kLow, false, 10, 1, 0}, 30},
      {"two tools", {Severity::kMedium, false, 1, 2, 0}, 42},
      {"one tool no bonus", {Severity::kMedium, false, 1, 1, 0}, 32},
      {"age 2.9h counts 2", {Severity::kHigh, false, 1, 1, 2.9}, 60},
      {"age capped at 10", {Severity::kHigh, false, 1, 1, 500}, 52},
      {"negative age ignored", {Severity::kHigh, false, 1, 1, -3}, 62},
      {"everything", {Severity::kCritical, true, 100, 3, 1}, 90 + 20 + 20 + 10 - 1},
      {"zero alerts", {Severity::kLow, false, 0, 0, 0}, 10},
      {"never negative", {Severity::kLow, false, 0, 1, 50}, 0},
  };
  for (const auto& c : cases) {
    EXPECT_EQ(PriorityScore(c.in), c.want) << c.name;
  }
}

TEST(CoreSeverityTest, ParseAndRank) {
  EXPECT_EQ(ParseSeverity("critical"), Severity::kCritical);
  EXPECT_FALSE(ParseSeverity("urgent").has_value());
  EXPECT_LT(SeverityRank("low"), SeverityRank("medium"));
  EXPECT_LT(SeverityRank("high"), SeverityRank("critical"));
  EXPECT_EQ(SeverityRank("nope"), -1);
  EXPECT_STREQ(SeverityName(Severity::kHigh), "high");
}

}  // namespace
}  // namespace aw::core
