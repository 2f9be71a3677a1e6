#include "core/runbook_policy.h"

namespace aw::core {

std::optional<RiskLevel> ParseRiskLevel(std::string_view s) {
  if (s == "low") return RiskLevel::kLow;
  if (s == "medium") return RiskLevel::kMedium;
  if (s == "high") return RiskLevel::kHigh;
  return std::nullopt;
}

const char* RiskLevelName(RiskLevel r) {
  switch (r) {
    case RiskLevel::kLow:
      return "low";
    case RiskLevel::kMedium:
      return "medium";
    case RiskLevel::kHigh:
      return "high";
  }
  return "high";
}

const char* ApproverLevelName(ApproverLevel a) {
  return a == ApproverLevel::kMspAdmin ? "msp_admin" : "company_admin";
}

const char* GateName(Gate g) {
  switch (g) {
    case Gate::kRunNow:
      return "run";
    case Gate::kNeedsApproval:
      return "needs_approval";
    case Gate::kForbidden:
      return "forbidden";
  }
  return "forbidden";
}

ApproverLevel RequiredApprover(RiskLevel risk) {
  return risk == RiskLevel::kHigh ? ApproverLevel::kMspAdmin : ApproverLevel::kCompanyAdmin;
}

GateDecision GateExecution(Actor actor, RiskLevel risk, bool auto_approve) {
  GateDecision d;
  d.approver = RequiredApprover(risk);
  if (actor == Actor::kClient) {
    d.gate = Gate::kForbidden;
    d.reason = "clients are read-only and cannot run runbooks";
    return d;
  }
  if (risk == RiskLevel::kLow && auto_approve) {
    d.gate = Gate::kRunNow;
    d.reason = "low-risk runbook marked auto_approve: runs without approval";
    return d;
  }
  if (actor == Actor::kSystem) {
    d.gate = Gate::kForbidden;
    d.reason = "only low-risk auto_approve runbooks run automatically";
    return d;
  }
  if (risk == RiskLevel::kHigh) {
    if (actor == Actor::kMspAdmin) {
      d.gate = Gate::kRunNow;
      d.reason = "high-risk runbook run by an MSP admin";
    } else {
      d.gate = Gate::kNeedsApproval;
      d.reason = "high-risk runbook: needs the approval of an MSP admin";
    }
    return d;
  }
  // Low without auto_approve, or medium.
  if (actor == Actor::kMspAdmin || actor == Actor::kCompanyAdmin) {
    d.gate = Gate::kRunNow;
    d.reason = std::string(RiskLevelName(risk)) + "-risk runbook run by an admin";
  } else {
    d.gate = Gate::kNeedsApproval;
    d.reason = std::string(RiskLevelName(risk)) +
               "-risk runbook: needs the approval of a company admin or MSP admin";
  }
  return d;
}

ApprovalCheck CanApprove(Actor approver, RiskLevel risk, bool approver_is_requester) {
  if (approver_is_requester) return {false, "a requester cannot approve or reject their own request"};
  switch (approver) {
    case Actor::kMspAdmin:
      return {true, ""};
    case Actor::kCompanyAdmin:
      if (risk == RiskLevel::kHigh) return {false, "a high-risk request needs an MSP admin"};
      return {true, ""};
    case Actor::kTechnician:
      return {false, "technicians cannot approve requests; a company admin or MSP admin can"};
    case Actor::kClient:
      return {false, "clients are read-only"};
    case Actor::kSystem:
      return {false, "the system never approves requests"};
  }
  return {false, "not allowed"};
}

}  // namespace aw::core
