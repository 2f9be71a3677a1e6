// Escalation policy maths: when the escalation clock starts and which levels
// are due, table-driven.

#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "core/escalation.h"

namespace aw::core {
namespace {

constexpr int64_t kT0 = 1'800'000'000;  // creation
constexpr int64_t kMin = 60;

struct Case {
  const char* what;
  int64_t now_min;
  int fired_level;
  bool acknowledged;
  std::optional<int> priority_threshold;
  int priority;
  std::optional<int64_t> sla_warning_min;
  std::vector<int> want_levels;
  const char* want_reason;
};

TEST(EscalationTest, DueLevels) {
  // Default levels: delays 0, 15, 30; unacknowledged trigger 15 minutes.
  const Case cases[] = {
      {"nothing yet", 14, 0, false, {}, 50, {}, {}, ""},
      {"unacknowledged 15 min: level 1", 15, 0, false, {}, 50, {}, {1}, "unacknowledged for 15 minutes"},
      {"level 1 already fired", 20, 1, false, {}, 50, {}, {}, ""},
      {"level 2 at +15 from the start", 30, 1, false, {}, 50, {}, {2}, "unacknowledged for 15 minutes"},
      {"after downtime every due level, in order", 100, 0, false, {}, 50, {}, {1, 2, 3}, ""},
      {"all fired", 1000, 3, false, {}, 50, {}, {}, ""},
      {"acknowledged stops everything", 1000, 1, true, {}, 50, {}, {}, ""},
      {"priority at the threshold starts at creation", 0, 0, false, 80, 80, {}, {1}, "priority 80 is at or above 80"},
      {"priority below the threshold", 0, 0, false, 80, 79, {}, {}, ""},
      {"SLA warning earlier than unacknowledged", 5, 0, false, {}, 50, 5, {1}, "SLA warning"},
      {"SLA warning not reached", 4, 0, false, {}, 50, 5, {}, ""},
  };
  for (const auto& c : cases) {
    EscalationPolicy p = DefaultEscalationPolicy();
    p.triggers.priority_threshold = c.priority_threshold;
    EscalationFacts f;
    f.created_s = kT0;
    f.fired_level = c.fired_level;
    f.acknowledged = c.acknowledged;
    f.priority = c.priority;
    if (c.sla_warning_min) f.sla_warning_s = kT0 + *c.sla_warning_min * kMin;
    auto due = DueLevels(p, f, kT0 + c.now_min * kMin);
    std::vector<int> levels;
    for (const auto& d : due) levels.push_back(d.level.level);
    EXPECT_EQ(levels, c.want_levels) << c.what;
    if (!due.empty() && c.want_reason[0] != '\0') {
      EXPECT_EQ(due.front().reason, c.want_reason) << c.what;
    }
  }
}

TEST(EscalationTest, DisabledOrClosedFiresNothing) {
  EscalationPolicy p = DefaultEscalationPolicy();
  EscalationFacts f;
  f.created_s = kT0;
  EXPECT_EQ(DueLevels(p, f, kT0 + 100 * kMin).size(), 3u);
  f.open = false;
  EXPECT_TRUE(DueLevels(p, f, kT0 + 100 * kMin).empty());
  f.open = true;
  p.enabled = false;
  EXPECT_TRUE(DueLevels(p, f, kT0 + 100 * kMin).empty());
  p.enabled = true;
  p.triggers.unacknowledged_minutes = 0;  // no trigger at all
  EXPECT_TRUE(DueLevels(p, f, kT0 + 100 * kMin).empty());
}

TEST(EscalationTest, TargetNames) {
  for (auto t : {EscalationTarget::kOnCall, EscalationTarget::kTechnicians, EscalationTarget::kCompanyAdmins,
                 EscalationTarget::kMspAdmins, EscalationTarget::kUsers}) {
    EXPECT_EQ(ParseEscalationTarget(EscalationTargetName(t)), t);
  }
  EXPECT_FALSE(ParseEscalationTarget("boss").has_value());
}

}  // namespace
}  // namespace aw::core
