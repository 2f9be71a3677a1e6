#pragma once

// What the monitoring-tool receivers (http/routes_intake.cc) need beyond
// AlertService: the company's intake mapping (CompanyConfigs config_type
// "intake_mapping", read through ConfigService's cache), the translation of
// an adapter's ToolAlert into an AlertInput, and PagerDuty's follow-up
// events (acknowledge / resolve name an alert by its dedup_key only).
// Thread-safe; methods may throw ApiError.

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "core/intake/tool_alert.h"
#include "services/intake/alert_service.h"
#include "services/config_service.h"
#include "services/context.h"
#include "services/incidents/incident_service.h"

namespace aw::services {

class IntakeService {
 public:
  static constexpr const char* kConfigType = "intake_mapping";

  IntakeService(Context* ctx, ConfigService* configs, IncidentService* incidents)
      : ctx_(ctx), configs_(configs), incidents_(incidents) {}

  // The company's mapping; the defaults (tool_alert.h) when none is stored.
  core::intake::IntakeMapping MappingFor(const std::string& company_id);
  // {asset_labels, severity_map, default_severity, is_default, updated_at?}
  nlohmann::json MappingView(const std::string& company_id);
  // Merges the fields given into the stored mapping. 422 naming the field
  // for a wrong value or an unknown field.
  nlohmann::json PutMapping(const std::string& company_id, const nlohmann::json& body);

  // The ToolAlert as intake's input: labels go to metadata.labels (what
  // silences and inhibition match on), the rest of its metadata beside them.
  int64_t NowMicros() const { return ctx_->clock->NowMicros(); }

  static AlertInput ToInput(const core::intake::ToolAlert& t, size_t source_bytes);

  // PagerDuty: the company's active alerts (among its newest 1,000) that
  // were opened with this dedup_key (metadata.dedup_key).
  std::vector<nlohmann::json> ActiveAlertsWithDedupKey(const std::string& company_id,
                                                       const std::string& dedup_key);
  // Moves each open incident still `new` or `escalated` to `acknowledged`,
  // as the integration "PagerDuty Events API"; others are left alone.
  // Returns the incidents acknowledged.
  std::vector<std::string> AcknowledgeIncidents(const std::string& company_id,
                                                const std::vector<std::string>& incident_ids);

 private:
  Context* ctx_;
  ConfigService* configs_;
  IncidentService* incidents_;
};

}  // namespace aw::services
