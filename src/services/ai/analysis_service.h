#pragma once

// The AI assistant: POST /api/incidents/{id}/analyze (docs/ai.md).
//
// Never on the intake path: it runs only when a technician asks. The
// configured provider (AW_AI_PROVIDER) answers within AW_AI_TIMEOUT_MS, or
// the built-in analyser answers instead and the result says so (fallback,
// fallback_reason). A provider's answer is validated; a runbook it names
// that is not one of the incident company's runbooks is dropped. The result
// is kept in the incident's metadata.analysis by a versioned update.
//
// Thread-safe. Throws ApiError: 404 (incident not visible), 403 (clients),
// 409 (the incident kept changing under three attempts to save).

#include <memory>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "clients/http_client.h"
#include "services/ai/ai_settings.h"
#include "services/ai/analysis_types.h"
#include "services/context.h"
#include "services/incidents/incident_service.h"
#include "services/identity/principal.h"

namespace aw::services::ai {

class AnalysisService {
 public:
  // `provider` null: chosen from `settings` (MakeProvider). Pointers outlive this.
  AnalysisService(Context* ctx, IncidentService* incidents, AiSettings settings,
                  const clients::HttpClient* http, std::unique_ptr<AnalysisProvider> provider = nullptr);
  ~AnalysisService();

  nlohmann::json Analyze(const Principal& p, const std::string& incident_id);

  const std::string& provider_name() const { return settings_.provider; }

 private:
  std::vector<RunbookRef> LoadRunbooks(const std::string& company_id);
  nlohmann::json Save(const std::string& company_id, const std::string& incident_id, const nlohmann::json& analysis);

  Context* ctx_;
  IncidentService* incidents_;
  // The fallback reason users see for a provider error: credentials refusals
  // summarised, configured keys redacted.
  std::string ProviderFailure(const std::string& provider, std::string message) const;
  AiSettings settings_;
  std::unique_ptr<AnalysisProvider> provider_;
};

}  // namespace aw::services::ai
