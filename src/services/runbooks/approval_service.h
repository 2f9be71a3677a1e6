#pragma once

// Approval requests (table ApprovalRequests, key company_id + id) for
// runbook executions the risk policy (core/runbook_policy.h) does not let the
// requester run at once.
//
// Items:
//   - the request: status pending -> approved | rejected | expired, with
//     requester, required approver level, targets, expires_at;
//   - a locator ("_loc#<tail>", id) -> owner company (routes carry only ids);
//   - a due-pointer in partition "_pending", sort key
//     "<expires_at ISO-8601 µs>#<id>", so the expiry worker reads only due
//     requests (a Query, never a Scan). It is deleted once the request is
//     decided; a stale pointer (crash between writes) is deleted by the next
//     Tick after its conditional update fails.
// Every decision is one conditional update (status must still be pending,
// and for approval expires_at must still be in the future), so of two
// concurrent approvers exactly one wins and the other gets 409.
//
// Thread-safe. Methods throw ApiError; Tick() never throws (logs).

#include <atomic>
#include <chrono>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "core/runbook_policy.h"
#include "services/audit_service.h"
#include "services/context.h"
#include "services/page.h"
#include "services/periodic_task.h"
#include "services/identity/principal.h"
#include "services/runbooks/runbook_service.h"

namespace aw::services {

core::Actor ActorOf(const Principal& p);
// The audit entry skeleton for an action done by `p` (user_id "system" for the server).
AuditEntry AuditFor(const Principal& p, const std::string& company_id, const std::string& action,
                    const std::string& resource_type, const std::string& resource_id);
// The server itself acting (auto-execution, expiry): an MSP-level principal named "system".
const Principal& SystemPrincipal();

class ApprovalService {
 public:
  ApprovalService(Context* ctx, AuditService* audit, int64_t ttl_seconds)
      : ctx_(ctx), audit_(audit), ttl_seconds_(ttl_seconds) {}
  ~ApprovalService() { Stop(); }

  // A new pending request; notifies those who may approve; audited as approval_requested.
  nlohmann::json Create(const Principal& requester, const nlohmann::json& incident,
                        const nlohmann::json& runbook, const RunbookTarget& target,
                        const core::GateDecision& gate);
  // status: "" or pending|approved|rejected|expired (422 otherwise).
  Page List(const Principal& p, const std::string& company_id, const std::string& status, int limit,
            const std::string& cursor, const std::vector<std::string>& all_company_ids);
  nlohmann::json Get(const Principal& p, const std::string& id);
  // The owner company of an approval request id, or "".
  std::string CompanyOf(const std::string& id);
  // 403 (role, own request), 404, 409 approval_expired / already_decided.
  // Returns the approved request; the caller starts the execution.
  // `execution_id` (when given) is reserved for that execution in the same
  // conditional update, so a crash before the execution is written leaves a
  // request that crash recovery can start exactly once (ExecutionService::Recover).
  nlohmann::json Approve(const Principal& p, const std::string& id, const std::string& notes,
                         const std::string& execution_id = "");
  nlohmann::json Reject(const Principal& p, const std::string& id, const std::string& reason);
  // Records the execution an approval started.
  nlohmann::json LinkExecution(const nlohmann::json& approval, const std::string& execution_id);

  // Expires every pending request whose expires_at has passed; returns how many.
  int Tick();
  // A PeriodicTask calling Tick() every `period` until Stop(). Idempotent.
  void Start(std::chrono::milliseconds period);
  void Stop();

  int64_t ttl_seconds() const { return ttl_seconds_; }
  static nlohmann::json View(const nlohmann::json& item);

 private:
  nlohmann::json LoadForDecision(const Principal& p, const std::string& id, std::string* company_id);
  nlohmann::json Decide(const Principal& p, const std::string& id, const std::string& to,
                        const std::string& text, const std::string& execution_id = "");
  bool ExpireOne(const std::string& company_id, const std::string& id, const std::string& pointer_sk);

  Context* ctx_;
  AuditService* audit_;
  int64_t ttl_seconds_;
  std::mutex mu_;  // guards expiry_
  std::unique_ptr<PeriodicTask> expiry_;
};

}  // namespace aw::services
