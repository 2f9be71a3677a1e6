// SLA configuration, status and report; escalation policy.

#include "base/errors.h"
#include "http/api.h"
#include "http/api_util.h"
#include "http/audit_hook.h"
#include "http/json_body.h"

namespace aw::http {

using nlohmann::json;

void RegisterSlaRoutes(Router& router, const Services& s) {
  if (s.sla == nullptr || s.escalation == nullptr) return;
  auto* auth = s.auth;
  auto* companies = s.companies;
  auto* sla = s.sla;
  auto* incidents = s.incidents;
  auto* escalation = s.escalation;
  // A user of the company (404 for another company's), as in the other company routes.
  auto user_of = [auth, companies](Request& req) { return RequireCompanyUser(req, *auth, companies); };

  AddRoute(router, s, "GET", "/api/companies/{id}/sla-config", [user_of, sla](Request& req) {
    user_of(req);
    return Response::Json(200, sla->ConfigView(req.PathParam("id")));
  });
  AddRoute(router, s, "PUT", "/api/companies/{id}/sla-config", Audit{"sla_config_updated", "sla_config"},
           [user_of, sla](Request& req) {
             auto p = user_of(req);
             services::RequireCompanyAdmin(p, req.PathParam("id"));
             return Response::Json(200, sla->PutConfig(req.PathParam("id"), ParseJsonObject(req)));
           });
  AddRoute(router, s, "GET", "/api/companies/{id}/sla-report", [user_of, sla](Request& req) {
    user_of(req);
    int days = QueryInt(req, "days", 30, 1, 365);
    return Response::Json(200, sla->Report(req.PathParam("id"), days));
  });
  AddRoute(router, s, "GET", "/api/incidents/{id}/sla-status", [auth, incidents, sla](Request& req) {
    auto p = RequireUser(req, *auth);
    return Response::Json(200, sla->StatusOf(incidents->Get(p, req.PathParam("id"))));
  });

  AddRoute(router, s, "GET", "/api/companies/{id}/escalation-policy", [user_of, escalation](Request& req) {
    user_of(req);
    return Response::Json(200, escalation->PolicyView(req.PathParam("id")));
  });
  AddRoute(router, s, "PUT", "/api/companies/{id}/escalation-policy",
           Audit{"escalation_policy_updated", "escalation_policy"}, [user_of, escalation](Request& req) {
             auto p = user_of(req);
             services::RequireCompanyAdmin(p, req.PathParam("id"));
             return Response::Json(200, escalation->PutPolicy(req.PathParam("id"), ParseJsonObject(req)));
           });
}

}  // namespace aw::http
