#pragma once

// Risk gating of runbook executions and of approvals: who may run a runbook
// at once, who must ask, and who may approve. Pure: the caller supplies the
// actor's role, the runbook's risk and whether the approver is the requester.
// Company membership is checked by the caller (services/) before this.
//
// The table (docs/runbooks.md):
//   risk                    | technician        | company admin     | MSP admin | system (auto)
//   low + auto_approve      | run               | run               | run       | run
//   low, medium             | approval (admins) | run               | run       | forbidden
//   high                    | approval (MSP)    | approval (MSP)    | run       | forbidden
// Clients are read-only: always forbidden. An approver is never the
// requester; a high-risk request is approved only by an MSP admin, any other
// by a company admin of the company or an MSP admin.
//
// Thread-safe: pure functions.

#include <optional>
#include <string>
#include <string_view>

namespace aw::core {

enum class RiskLevel { kLow, kMedium, kHigh };

std::optional<RiskLevel> ParseRiskLevel(std::string_view s);  // "low" | "medium" | "high"
const char* RiskLevelName(RiskLevel r);

// Who acts. kSystem is the server itself (auto-execution on incident creation).
enum class Actor { kMspAdmin, kCompanyAdmin, kTechnician, kClient, kSystem };

// Who may approve a request of a given risk.
enum class ApproverLevel { kCompanyAdmin, kMspAdmin };  // kCompanyAdmin: company admins and MSP admins
const char* ApproverLevelName(ApproverLevel a);         // "company_admin" | "msp_admin"

enum class Gate { kRunNow, kNeedsApproval, kForbidden };
const char* GateName(Gate g);  // "run" | "needs_approval" | "forbidden"

struct GateDecision {
  Gate gate = Gate::kForbidden;
  ApproverLevel approver = ApproverLevel::kCompanyAdmin;  // meaningful for kNeedsApproval
  std::string reason;                                     // one sentence, for the API and the audit
};

GateDecision GateExecution(Actor actor, RiskLevel risk, bool auto_approve);

// The level a request of this risk needs.
ApproverLevel RequiredApprover(RiskLevel risk);

struct ApprovalCheck {
  bool allowed = false;
  std::string reason;  // why not, when !allowed
};

ApprovalCheck CanApprove(Actor approver, RiskLevel risk, bool approver_is_requester);

}  // namespace aw::core
