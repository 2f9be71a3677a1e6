// Risk gating of runbook executions and approvals (core/runbook_policy.h),
// and the SSM-shaped field rules (core/runbook_fields.h). Table-driven.

#include <gtest/gtest.h>

#include "core/runbook_fields.h"
#include "core/runbook_policy.h"

namespace aw::core {
namespace {

struct GateCase {
  Actor actor;
  RiskLevel risk;
  bool auto_approve;
  Gate want;
  ApproverLevel approver;  // checked only for kNeedsApproval
};

const char* ActorName(Actor a) {
  switch (a) {
    case Actor::kMspAdmin: return "msp_admin";
    case Actor::kCompanyAdmin: return "company_admin";
    case Actor::kTechnician: return "technician";
    case Actor::kClient: return "client";
    case Actor::kSystem: return "system";
  }
  return "?";
}

TEST(RunbookPolicyTest, GateTable) {
  using A = Actor;
  using R = RiskLevel;
  using G = Gate;
  const ApproverLevel CA = ApproverLevel::kCompanyAdmin, MSP = ApproverLevel::kMspAdmin;
  const GateCase cases[] = {
      // low + auto_approve: anyone who may write runs it at once; clients never.
      {A::kTechnician, R::kLow, true, G::kRunNow, CA},
      {A::kCompanyAdmin, R::kLow, true, G::kRunNow, CA},
      {A::kMspAdmin, R::kLow, true, G::kRunNow, CA},
      {A::kSystem, R::kLow, true, G::kRunNow, CA},
      {A::kClient, R::kLow, true, G::kForbidden, CA},
      // low without auto_approve behaves like medium.
      {A::kTechnician, R::kLow, false, G::kNeedsApproval, CA},
      {A::kCompanyAdmin, R::kLow, false, G::kRunNow, CA},
      {A::kSystem, R::kLow, false, G::kForbidden, CA},
      // medium: admins run; technicians ask a company admin (or MSP admin).
      {A::kTechnician, R::kMedium, false, G::kNeedsApproval, CA},
      {A::kCompanyAdmin, R::kMedium, false, G::kRunNow, CA},
      {A::kMspAdmin, R::kMedium, false, G::kRunNow, CA},
      {A::kClient, R::kMedium, false, G::kForbidden, CA},
      {A::kSystem, R::kMedium, false, G::kForbidden, CA},
      // auto_approve never lifts medium or high.
      {A::kTechnician, R::kMedium, true, G::kNeedsApproval, CA},
      {A::kSystem, R::kMedium, true, G::kForbidden, CA},
      // high: only MSP admins run; everyone else asks an MSP admin.
      {A::kTechnician, R::kHigh, false, G::kNeedsApproval, MSP},
      {A::kCompanyAdmin, R::kHigh, false, G::kNeedsApproval, MSP},
      {A::kCompanyAdmin, R::kHigh, true, G::kNeedsApproval, MSP},
      {A::kMspAdmin, R::kHigh, false, G::kRunNow, MSP},
      {A::kClient, R::kHigh, false, G::kForbidden, MSP},
      {A::kSystem, R::kHigh, true, G::kForbidden, MSP},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(std::string(ActorName(c.actor)) + " / " + RiskLevelName(c.risk) +
                 (c.auto_approve ? " / auto_approve" : ""));
    GateDecision d = GateExecution(c.actor, c.risk, c.auto_approve);
    EXPECT_EQ(GateName(d.gate), std::string(GateName(c.want)));
    EXPECT_FALSE(d.reason.empty());
    if (c.want == Gate::kNeedsApproval) {
      EXPECT_EQ(ApproverLevelName(d.approver), std::string(ApproverLevelName(c.approver)));
    }
  }
}

TEST(RunbookPolicyTest, ApproverTable) {
  struct Case {
    Actor approver;
    RiskLevel risk;
    bool own_request;
    bool allowed;
  };
  const Case cases[] = {
      {Actor::kCompanyAdmin, RiskLevel::kLow, false, true},
      {Actor::kCompanyAdmin, RiskLevel::kMedium, false, true},
      {Actor::kCompanyAdmin, RiskLevel::kHigh, false, false},
      {Actor::kMspAdmin, RiskLevel::kMedium, false, true},
      {Actor::kMspAdmin, RiskLevel::kHigh, false, true},
      {Actor::kTechnician, RiskLevel::kLow, false, false},
      {Actor::kTechnician, RiskLevel::kMedium, false, false},
      {Actor::kClient, RiskLevel::kLow, false, false},
      {Actor::kSystem, RiskLevel::kLow, false, false},
      // Never one's own request, whatever the role.
      {Actor::kMspAdmin, RiskLevel::kHigh, true, false},
      {Actor::kMspAdmin, RiskLevel::kLow, true, false},
      {Actor::kCompanyAdmin, RiskLevel::kMedium, true, false},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(std::string(ActorName(c.approver)) + " / " + RiskLevelName(c.risk) + (c.own_request ? " / own" : ""));
    ApprovalCheck got = CanApprove(c.approver, c.risk, c.own_request);
    EXPECT_EQ(got.allowed, c.allowed);
    if (!got.allowed) {
      EXPECT_FALSE(got.reason.empty());
    }
  }
  EXPECT_NE(CanApprove(Actor::kMspAdmin, RiskLevel::kHigh, true).reason.find("own"), std::string::npos);
}

TEST(RunbookPolicyTest, ParsesRiskLevels) {
  EXPECT_EQ(ParseRiskLevel("low"), RiskLevel::kLow);
  EXPECT_EQ(ParseRiskLevel("medium"), RiskLevel::kMedium);
  EXPECT_EQ(ParseRiskLevel("high"), RiskLevel::kHigh);
  EXPECT_FALSE(ParseRiskLevel("HIGH"));
  EXPECT_FALSE(ParseRiskLevel(""));
  EXPECT_FALSE(ParseRiskLevel("critical"));
  EXPECT_EQ(RequiredApprover(RiskLevel::kHigh), ApproverLevel::kMspAdmin);
  EXPECT_EQ(RequiredApprover(RiskLevel::kMedium), ApproverLevel::kCompanyAdmin);
}

TEST(RunbookFieldsTest, InstanceIds) {
  struct Case {
    const char* id;
    bool valid;
  };
  const Case cases[] = {{"i-12345678", true},          {"i-0123456789abcdef0", true}, {"mi-0123456789abcdef0", true},
                        {"i-1234567", false},          {"i-123456789", false},        {"mi-12345678", false},
                        {"I-12345678", false},         {"i-0123456789abcdef0 ", false}, {"", false},
                        {"i-01234567/9abcdef0", false}, {"x-12345678", false}};
  for (const auto& c : cases) {
    SCOPED_TRACE(c.id);
    EXPECT_EQ(IsValidInstanceId(c.id), c.valid);
  }
  std::vector<std::string> fifty(50);
  for (size_t i = 0; i < fifty.size(); ++i) fifty[i] = "i-" + std::string(6, '0') + (i < 10 ? "0" : "") + std::to_string(i);
  EXPECT_EQ(CheckInstanceIds(fifty), "");
  fifty.push_back("i-99999999");
  EXPECT_NE(CheckInstanceIds(fifty).find("at most 50"), std::string::npos);
  EXPECT_NE(CheckInstanceIds({"i-12345678", "i-12345678"}).find("twice"), std::string::npos);
  EXPECT_NE(CheckInstanceIds({}), "");
}

TEST(RunbookFieldsTest, TagsDocumentsParameters) {
  EXPECT_EQ(CheckTagKey("Environment"), "");
  EXPECT_EQ(CheckTagKey("aws:cloudformation/stack-name"), "");
  EXPECT_NE(CheckTagKey(""), "");
  EXPECT_NE(CheckTagKey("bad*key"), "");
  EXPECT_NE(CheckTagKey(std::string(129, 'a')), "");
  EXPECT_EQ(CheckTagValue("prod"), "");
  EXPECT_NE(CheckTagValue(""), "");
  EXPECT_NE(CheckTagValue("a\nb"), "");
  EXPECT_EQ(CheckDocumentName("AWS-RunShellScript"), "");
  EXPECT_NE(CheckDocumentName("ab"), "");
  EXPECT_NE(CheckDocumentName("AWS RunShellScript"), "");
  EXPECT_EQ(CheckParameters({{"commands", {"uptime", "df -h"}}, {"executionTimeout", {"600"}}}), "");
  EXPECT_NE(CheckParameters({{"bad name", {"x"}}}), "");
  EXPECT_NE(CheckParameters({{"", {"x"}}}), "");
  EXPECT_NE(CheckParameters({{"commands", {std::string(kMaxParameterValueBytes + 1, 'x')}}}), "");
}

TEST(RunbookFieldsTest, SignatureMatchScores) {
  struct Case {
    const char* runbook;
    const char* incident;
    int want;
  };
  const Case cases[] = {
      {"disk_space_low", "disk_space_low", 100},   {"Disk-Space-Low", "disk_space_low", 100},
      {"disk_space", "disk_space_low", 60},        {"high_cpu_usage", "cpu_usage_high", 50},
      {"service_down", "high_memory_usage", 0},    {"", "disk_space_low", 0},
      {"memory_leak", "high_memory_usage", 30},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(std::string(c.runbook) + " vs " + c.incident);
    EXPECT_EQ(SignatureMatchScore(c.runbook, c.incident), c.want);
  }
}

}  // namespace
}  // namespace aw::core
