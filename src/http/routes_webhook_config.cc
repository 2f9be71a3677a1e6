#include "base/errors.h"
#include "base/json_fields.h"
#include "http/api.h"
#include "http/api_util.h"
#include "http/audit_hook.h"
#include "http/json_body.h"

namespace aw::http {

void RegisterWebhookConfigRoutes(Router& router, const Services& s) {
  auto* auth = s.auth;
  auto* companies = s.companies;
  auto* security = s.webhook_security;
  auto* limiter = s.rate_limiter;
  // Company admins manage their company's signing; MSP admins everything.
  auto admin_of = [auth, companies](Request& req) { return RequireCompanyAdminUser(req, *auth, companies); };
  // The signing actions take no settings: a body, when sent, must be `{}` so
  // that e.g. {"enabeld": true} is refused instead of ignored.
  auto no_fields = [](Request& req) {
    if (req.body.find_first_not_of(" \t\r\n") != std::string::npos)
      RejectUnknownFields(ParseJsonObject(req), {});
  };
  AddRoute(router, s, "GET", "/api/companies/{id}/webhook-security", [admin_of, security](Request& req) {
    admin_of(req);
    return Response::Json(200, security->View(req.PathParam("id"), true));
  });
  AddRoute(router, s, "POST", "/api/companies/{id}/webhook-security/enable",
           Audit{"webhook_security.enable", "webhook_security"},
           [admin_of, no_fields, security](Request& req) {
             admin_of(req);
             no_fields(req);
             return Response::Json(200, security->Enable(req.PathParam("id")));
           });
  AddRoute(router, s, "POST", "/api/companies/{id}/webhook-security/disable",
           Audit{"webhook_security.disable", "webhook_security"},
           [admin_of, no_fields, security](Request& req) {
             admin_of(req);
             no_fields(req);
             return Response::Json(200, security->Disable(req.PathParam("id")));
           });
  AddRoute(router, s, "POST", "/api/companies/{id}/webhook-security/regenerate-secret",
           Audit{"webhook_security.regenerate_secret", "webhook_security"},
           [admin_of, no_fields, security](Request& req) {
             admin_of(req);
             no_fields(req);
             return Response::Json(200, security->RegenerateSecret(req.PathParam("id")));
           });

  // Rate limits: readable by the company's admins, set by MSP admins.
  AddRoute(router, s, "GET", "/api/companies/{id}/rate-limit", [admin_of, limiter](Request& req) {
    admin_of(req);
    return Response::Json(200, limiter->View(req.PathParam("id")));
  });
  AddRoute(router, s, "PUT", "/api/companies/{id}/rate-limit", Audit{"rate_limit_updated", "rate_limit"},
           [auth, companies, limiter](Request& req) {
             auto p = RequireCompanyUser(req, *auth, companies);
             const std::string& cid = req.PathParam("id");
             services::RequireMspAdmin(p);
             return Response::Json(200, limiter->Put(cid, ParseJsonObject(req)));
           });
}

}  // namespace aw::http
