#include "base/errors.h"
#include "http/api.h"
#include "http/api_util.h"
#include "http/audit_hook.h"
#include "http/json_body.h"

namespace aw::http {

void RegisterAuditRoutes(Router& router, const Services& s) {
  auto* auth = s.auth;
  auto* audit = s.audit;
  auto* companies = s.companies;
  AddRoute(router, s, "GET", "/api/audit-logs", [auth, audit, companies](Request& req) {
    auto p = RequireUser(req, *auth);
    auto pp = ReadPageParams(req);
    std::string company_id = req.QueryParam("company_id").value_or("");
    std::string action = req.QueryParam("action").value_or("");
    std::vector<std::string> all;
    if (company_id.empty() && p.IsMspAdmin()) all = services::VisibleCompanyIds(companies, p);
    return ListResponse(audit->List(p, company_id, action, pp.limit, pp.cursor, all));
  });
  AddRoute(router, s, "GET", "/api/audit-logs/summary", [auth, audit, companies](Request& req) {
    auto p = RequireUser(req, *auth);
    std::string company_id = req.QueryParam("company_id").value_or("");
    int days = QueryInt(req, "days", 7, 1, 365);
    std::vector<std::string> all;
    if (company_id.empty() && p.IsMspAdmin()) all = services::VisibleCompanyIds(companies, p);
    return Response::Json(200, audit->Summary(p, company_id, days, all));
  });
}

}  // namespace aw::http
