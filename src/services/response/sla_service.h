#pragma once

// SLAs: the company policy (CompanyConfigs "sla"), deadlines stamped on new
// incidents, the status of one incident, the compliance report, and the
// monitor step that sends warnings and breach notices.
//
// Stored config: {enabled, response_minutes{critical,high,medium,low},
// resolution_minutes{...}, warning_percent, business_hours{enabled, timezone,
// start, end, days}} (days: 0 = Monday .. 6 = Sunday).
//
// Incident attributes written here: `sla` {response_due, resolution_due,
// response_minutes, resolution_minutes, warning_percent,
// response_warning_starts, resolution_warning_starts, business_hours,
// timezone} at creation, and the monitor's marks sla_response_warning_at,
// sla_response_breach_at, sla_resolution_warning_at,
// sla_resolution_breach_at - each set once with a conditional update, so
// one notice per incident and kind across threads, replicas and restarts.
//
// Thread-safe; API methods may throw ApiError.

#include <string>

#include <nlohmann/json.hpp>

#include "core/sla.h"
#include "services/config_service.h"
#include "services/context.h"
#include "services/noise/noise_service.h"
#include "services/response/oncall_service.h"
#include "services/identity/principal.h"

namespace aw::services {

class SlaService {
 public:
  SlaService(Context* ctx, ConfigService* configs, OnCallService* oncall)
      : ctx_(ctx), configs_(configs), oncall_(oncall) {}

  // Maintenance windows pause the clock (ClockOf moves the deadlines by the
  // window time after the incident opened). Wiring, before the first request.
  void UseNoise(NoiseService* noise) { noise_ = noise; }

  core::SlaPolicy PolicyFor(const std::string& company_id);
  nlohmann::json ConfigView(const std::string& company_id);
  // Fields present replace the stored ones; 422 naming the field.
  nlohmann::json PutConfig(const std::string& company_id, const nlohmann::json& body);

  // IncidentDecorator: adds `sla` to a new incident item. Never throws.
  void Stamp(const std::string& company_id, nlohmann::json& incident);

  // GET /api/incidents/{id}/sla-status for an incident item.
  nlohmann::json StatusOf(const nlohmann::json& incident);
  // Compliance over incidents created in the last `days` days.
  nlohmann::json Report(const std::string& company_id, int days);

  // Monitor: sends the SLA notices due for this (open) incident item.
  // Returns how many were sent.
  int Check(const nlohmann::json& incident);

  // The incident's deadlines and clock (stamped, or computed from the
  // current policy for an incident without a stamp), moved later by the
  // maintenance windows of its asset. False when SLAs are off for it.
  bool ClockOf(const nlohmann::json& incident, core::SlaClock* out);

 private:
  bool Fire(const nlohmann::json& incident, const char* mark, const char* kind, const char* event_type,
            int64_t due_s, int64_t seconds_left);

  Context* ctx_;
  ConfigService* configs_;
  OnCallService* oncall_;
  NoiseService* noise_ = nullptr;
};

}  // namespace aw::services
