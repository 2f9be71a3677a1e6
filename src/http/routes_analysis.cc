// The AI assistant's route: POST /api/incidents/{id}/analyze (docs/ai.md).

#include "http/api.h"
#include "http/api_util.h"
#include "http/audit_hook.h"
#include "services/ai/analysis_service.h"

namespace aw::http {

void RegisterAnalysisRoutes(Router& router, const Services& s) {
  if (s.analysis == nullptr) return;
  auto* auth = s.auth;
  auto* incidents = s.incidents;
  auto* analysis = s.analysis;
  AddRoute(router, s, "POST", "/api/incidents/{id}/analyze", Audit{"incident.analyze", "incident"},
           [auth, incidents, analysis](Request& req) {
             auto p = RequireUser(req, *auth);
             const std::string id = req.PathParam("id");
             NoteAuditTarget(req, incidents->CompanyOf(id), id);
             return Response::Json(200, analysis->Analyze(p, id));
           });
}

}  // namespace aw::http
