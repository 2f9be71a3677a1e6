// On-call schedules and "who is on call now".

#include "base/errors.h"
#include "http/api.h"
#include "http/api_util.h"
#include "http/audit_hook.h"
#include "http/json_body.h"

namespace aw::http {

using nlohmann::json;

void RegisterOnCallRoutes(Router& router, const Services& s) {
  if (s.oncall == nullptr) return;
  auto* auth = s.auth;
  auto* companies = s.companies;
  auto* oncall = s.oncall;

  AddRoute(router, s, "GET", "/api/on-call-schedules", [auth, companies, oncall](Request& req) {
    auto p = RequireUser(req, *auth);
    auto pp = ReadPageParams(req);
    std::string cid = req.QueryParam("company_id").value_or("");
    std::vector<std::string> all;
    if (cid.empty() && p.IsMspAdmin()) all = services::VisibleCompanyIds(companies, p);
    return ListResponse(oncall->List(p, cid, pp.limit, pp.cursor, all));
  });
  AddRoute(router, s, "POST", "/api/on-call-schedules", Audit{"on_call_schedule_created", "on_call_schedule"},
           [auth, oncall](Request& req) {
             auto p = RequireUser(req, *auth);
             json body = ParseJsonObject(req);
             if (body.contains("company_id") && body["company_id"].is_string()) {
               NoteAuditTarget(req, body["company_id"].get<std::string>(), "");
             }
             json created = oncall->Create(p, body);
             NoteAuditTarget(req, created.value("company_id", ""), created.value("id", ""));
             return Response::Json(201, created);
           });
  AddRoute(router, s, "PUT", "/api/on-call-schedules/{id}",
           Audit{"on_call_schedule_updated", "on_call_schedule"}, [auth, companies, oncall](Request& req) {
             auto p = RequireUser(req, *auth);
             std::vector<std::string> all;
             if (p.IsMspAdmin()) all = services::VisibleCompanyIds(companies, p);
             // The tenant first (404/403), then the body (400/422).
             json cur = oncall->LocateForChange(p, req.PathParam("id"), all);
             json body = ParseJsonObject(req);
             json updated = oncall->Update(p, cur, body);
             NoteAuditTarget(req, updated.value("company_id", ""), req.PathParam("id"));
             return Response::Json(200, updated);
           });
  AddRoute(router, s, "DELETE", "/api/on-call-schedules/{id}",
           Audit{"on_call_schedule_deleted", "on_call_schedule"}, [auth, companies, oncall](Request& req) {
             auto p = RequireUser(req, *auth);
             std::vector<std::string> all;
             if (p.IsMspAdmin()) all = services::VisibleCompanyIds(companies, p);
             std::string cid = oncall->Delete(p, req.PathParam("id"), all);
             NoteAuditTarget(req, cid, req.PathParam("id"));
             return Response::NoContent();
           });
  AddRoute(router, s, "GET", "/api/on-call/current", [auth, companies, oncall](Request& req) {
    auto p = RequireUser(req, *auth);
    std::string cid = req.QueryParam("company_id").value_or("");
    if (cid.empty()) {
      if (p.IsMspAdmin() || p.company_ids.size() != 1)
        ThrowInvalidField("company_id", "query parameter required");
      cid = p.company_ids.front();
    }
    services::RequireSee(p, cid);
    if (!companies->Find(cid)) ThrowNotFound("company");
    return Response::Json(200, oncall->CurrentView(p, cid));
  });
}

}  // namespace aw::http
