#include "base/errors.h"
#include "base/json_fields.h"
#include "http/api.h"
#include "http/api_util.h"
#include "http/audit_hook.h"
#include "http/json_body.h"

namespace aw::http {

using nlohmann::json;

void RegisterCompanyRoutes(Router& router, const Services& s) {
  auto* auth = s.auth;
  auto* companies = s.companies;
  AddRoute(router, s, "GET", "/api/companies", [auth, companies](Request& req) {
    auto p = RequireUser(req, *auth);
    auto pp = ReadPageParams(req);
    return ListResponse(companies->List(p, pp.limit, pp.cursor));
  });
  AddRoute(router, s, "POST", "/api/companies", Audit{"company_created", "company"},
           [auth, companies](Request& req) {
             auto p = RequireUser(req, *auth);
             services::RequireMspAdmin(p);
             json body = ParseJsonObject(req);
             RejectUnknownFields(body, {"name"});
             json c = companies->Create(RequiredString(body, "name", 200));
             NoteAuditTarget(req, "", c.value("id", ""));
             return Response::Json(201, companies->View(p, c));
           });
  AddRoute(router, s, "GET", "/api/companies/{id}", [auth, companies](Request& req) {
    auto p = RequireUser(req, *auth);
    return Response::Json(200, companies->GetVisible(p, req.PathParam("id")));
  });
  AddRoute(router, s, "PUT", "/api/companies/{id}", Audit{"company_updated", "company"},
           [auth, companies](Request& req) {
             auto p = RequireUser(req, *auth);
             const std::string& id = req.PathParam("id");
             services::RequireVisible(p, id);
             services::RequireCompanyAdmin(p, id);
             json body = ParseJsonObject(req);
             RejectUnknownFields(body, {"name"});
             return Response::Json(
                 200, companies->View(p, companies->Rename(id, RequiredString(body, "name", 200))));
           });
  AddRoute(router, s, "DELETE", "/api/companies/{id}", Audit{"company_deleted", "company"},
           [auth, companies](Request& req) {
             auto p = RequireUser(req, *auth);
             services::RequireMspAdmin(p);
             companies->Delete(req.PathParam("id"));
             return Response::NoContent();
           });
  AddRoute(router, s, "POST", "/api/companies/{id}/regenerate-api-key",
           Audit{"company.regenerate_api_key", "company"}, [auth, companies](Request& req) {
             auto p = RequireUser(req, *auth);
             const std::string& id = req.PathParam("id");
             services::RequireVisible(p, id);
             services::RequireCompanyAdmin(p, id);
             return Response::Json(200, companies->RegenerateApiKey(id));
           });
}

}  // namespace aw::http
