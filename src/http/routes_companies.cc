#include "base/errors.h"
#include "http/api.h"
#include "http/api_util.h"
#include "http/json_body.h"

namespace aw::http {

using nlohmann::json;

void RegisterCompanyRoutes(Router& router, const Services& s) {
  auto* auth = s.auth;
  auto* companies = s.companies;
  router.Add("GET", "/api/companies", [auth, companies](Request& req) {
    auto p = RequireUser(req, *auth);
    auto pp = ReadPageParams(req);
    return ListResponse(companies->List(p, pp.limit, pp.cursor));
  });
  router.Add("POST", "/api/companies", [auth, companies](Request& req) {
    auto p = RequireUser(req, *auth);
    services::RequireMspAdmin(p);
    json body = ParseJsonObject(req);
    json c = companies->Create(RequiredString(body, "name", 200));
    return Response::Json(201, companies->View(p, c));
  });
  router.Add("GET", "/api/companies/{id}", [auth, companies](Request& req) {
    auto p = RequireUser(req, *auth);
    return Response::Json(200, companies->GetVisible(p, req.PathParam("id")));
  });
  router.Add("PUT", "/api/companies/{id}", [auth, companies](Request& req) {
    auto p = RequireUser(req, *auth);
    const std::string& id = req.PathParam("id");
    if (!p.CanSeeCompany(id)) ThrowNotFound("company");
    services::RequireCompanyAdmin(p, id);
    json body = ParseJsonObject(req);
    return Response::Json(200, companies->View(p, companies->Rename(id, RequiredString(body, "name", 200))));
  });
  router.Add("DELETE", "/api/companies/{id}", [auth, companies](Request& req) {
    auto p = RequireUser(req, *auth);
    services::RequireMspAdmin(p);
    companies->Delete(req.PathParam("id"));
    return Response::NoContent();
  });
  router.Add("POST", "/api/companies/{id}/regenerate-api-key", [auth, companies](Request& req) {
    auto p = RequireUser(req, *auth);
    const std::string& id = req.PathParam("id");
    if (!p.CanSeeCompany(id)) ThrowNotFound("company");
    services::RequireCompanyAdmin(p, id);
    return Response::Json(200, companies->RegenerateApiKey(id));
  });
}

}  // namespace aw::http
