#pragma once

// Automatic escalation: the company policy (CompanyConfigs
// "escalation_policy"; maths in core/escalation.h) and the worker step that
// fires the levels that are due.
//
// Stored policy: {enabled, levels: [{level, delay_minutes, target, user_ids}],
// triggers: {unacknowledged_minutes, priority_threshold, sla_warning,
// sla_breach}}; targets on_call | technicians | company_admins | msp_admins |
// users.
//
// Firing level k is one conditional update of the incident (escalation_level
// < k, not acknowledged, status unchanged since it was read), so each level
// fires once however many threads or replicas run the worker, and a restart
// re-reads escalation_level from the store. The manual escalation
// (IncidentService::Escalate) raises the same escalation_level, so a manual
// escalation counts as the next level. The update records escalated,
// escalation_level, escalated_at, escalation_reason, escalated_by = "system"
// and appends to escalation_history; then the target's users are notified,
// "incident_escalated" is published and an audit entry is written with the
// system as actor. The claim comes first: a crash between the claim and the
// notification loses that one notification rather than sending it twice.
//
// Thread-safe; API methods may throw ApiError.

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/escalation.h"
#include "services/audit_service.h"
#include "services/config_service.h"
#include "services/context.h"
#include "services/incidents/incident_service.h"
#include "services/response/oncall_service.h"
#include "services/response/sla_service.h"

namespace aw::services {

class EscalationService {
 public:
  EscalationService(Context* ctx, ConfigService* configs, IncidentService* incidents, OnCallService* oncall,
                    SlaService* sla, AuditService* audit)
      : ctx_(ctx), configs_(configs), incidents_(incidents), oncall_(oncall), sla_(sla), audit_(audit) {}

  core::EscalationPolicy PolicyFor(const std::string& company_id);
  nlohmann::json PolicyView(const std::string& company_id);
  // Fields present replace the stored ones; 422 naming the field.
  nlohmann::json PutPolicy(const std::string& company_id, const nlohmann::json& body);

  // Worker step: fires every level due for this incident item, lowest
  // first. Returns how many levels this call fired.
  int Check(const nlohmann::json& incident);

  // The users a level reaches (real ids; on_call falls back to the
  // company's technicians when nobody is on call).
  std::vector<std::string> TargetUsers(const std::string& company_id, const core::EscalationLevel& level);

 private:
  bool Fire(const nlohmann::json& incident, const core::DueLevel& due);

  Context* ctx_;
  ConfigService* configs_;
  IncidentService* incidents_;
  OnCallService* oncall_;
  SlaService* sla_;
  AuditService* audit_;
};

}  // namespace aw::services
