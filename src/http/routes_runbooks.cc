// Runbooks, the global library, per-company runbook settings and AWS credentials.

#include "base/errors.h"
#include "http/api.h"
#include "http/api_util.h"
#include "http/audit_hook.h"
#include "http/json_body.h"

namespace aw::http {

using nlohmann::json;

namespace {

// The company a create/copy call targets: body or query `company_id`, or the
// caller's only company. 422 when missing, 403 when not visible, 404 when unknown.
std::string TargetCompany(const Request& req, const json& body, const services::Principal& p,
                          services::CompanyService* companies) {
  std::string cid = OptionalString(body, "company_id", 128).value_or("");
  if (cid.empty()) cid = req.QueryParam("company_id").value_or("");
  if (cid.empty() && !p.IsMspAdmin() && p.company_ids.size() == 1) cid = p.company_ids.front();
  if (cid.empty()) ThrowInvalidField("company_id", "field required");
  services::RequireSee(p, cid);
  if (!companies->Find(cid)) ThrowNotFound("company");
  return cid;
}

}  // namespace

void RegisterRunbookRoutes(Router& router, const Services& s) {
  auto* auth = s.auth;
  auto* companies = s.companies;
  auto* runbooks = s.runbooks;
  auto* executions = s.executions;
  auto* aws = s.aws_credentials;

  AddRoute(router, s, "GET", "/api/runbooks", [auth, companies, runbooks](Request& req) {
    auto p = RequireUser(req, *auth);
    auto pp = ReadPageParams(req);
    std::string cid = req.QueryParam("company_id").value_or("");
    std::vector<std::string> all;
    if (cid.empty() && p.IsMspAdmin()) all = services::VisibleCompanyIds(companies, p);
    return ListResponse(runbooks->List(p, cid, pp.limit, pp.cursor, all));
  });
  AddRoute(router, s, "POST", "/api/runbooks", Audit{"runbook_created", "runbook"},
           [auth, companies, runbooks](Request& req) {
             auto p = RequireUser(req, *auth);
             json body = ParseJsonObject(req);
             std::string cid = TargetCompany(req, body, p, companies);
             services::RequireCompanyAdmin(p, cid);
             auto in = services::ParseRunbookInput(body, true);
             json created = runbooks->Create(p, cid, in);
             NoteAuditTarget(req, cid, created.value("id", ""));
             return Response::Json(201, created);
           });
  AddRoute(router, s, "GET", "/api/runbooks/global-library", [auth, runbooks](Request& req) {
    auto p = RequireUser(req, *auth);
    if (p.role == services::Role::kClient)
      ThrowForbidden("clients cannot see runbooks, approvals or executions");
    return Response::Json(200, runbooks->LibraryView());
  });
  AddRoute(router, s, "POST", "/api/runbooks/global-library/{template_id}/copy",
           Audit{"global_library.copy", "global_library"}, [auth, companies, runbooks](Request& req) {
             auto p = RequireUser(req, *auth);
             json body = req.body.empty() ? json::object() : ParseJsonObject(req);
             std::string cid = TargetCompany(req, body, p, companies);
             NoteAuditTarget(req, cid, req.PathParam("template_id"));
             json created = runbooks->CopyFromLibrary(p, req.PathParam("template_id"), cid);
             NoteAuditTarget(req, cid, created.value("id", ""));
             return Response::Json(201, created);
           });
  AddRoute(router, s, "GET", "/api/runbooks/{id}", [auth, runbooks](Request& req) {
    auto p = RequireUser(req, *auth);
    return Response::Json(200, runbooks->Get(p, req.PathParam("id")));
  });
  AddRoute(router, s, "PUT", "/api/runbooks/{id}", Audit{"runbook_updated", "runbook"},
           [auth, runbooks](Request& req) {
             auto p = RequireUser(req, *auth);
             RequireVisibleOwnerOf(req, p, runbooks->CompanyOf(req.PathParam("id")), "runbook");
             auto in = services::ParseRunbookInput(ParseJsonObject(req), false);
             return Response::Json(200, runbooks->Update(p, req.PathParam("id"), in));
           });
  AddRoute(router, s, "DELETE", "/api/runbooks/{id}", Audit{"runbook_deleted", "runbook"},
           [auth, runbooks](Request& req) {
             auto p = RequireUser(req, *auth);
             NoteAuditTarget(req, runbooks->CompanyOf(req.PathParam("id")), req.PathParam("id"));
             runbooks->Delete(p, req.PathParam("id"));
             return Response::NoContent();
           });

  AddRoute(router, s, "GET", "/api/companies/{id}/runbook-settings",
           [auth, companies, executions](Request& req) {
             auto p = RequireCompanyUser(req, *auth, companies);
             const std::string& cid = req.PathParam("id");
             services::RequireRunbookReader(p, cid);
             return Response::Json(200, executions->SettingsView(cid));
           });
  AddRoute(router, s, "PUT", "/api/companies/{id}/runbook-settings",
           Audit{"runbook_setting_updated", "runbook_setting"}, [auth, companies, executions](Request& req) {
             RequireCompanyAdminUser(req, *auth, companies);
             const std::string& cid = req.PathParam("id");
             return Response::Json(200, executions->PutSettings(cid, ParseJsonObject(req)));
           });

  AddRoute(router, s, "GET", "/api/companies/{id}/aws-credentials", [auth, companies, aws](Request& req) {
    RequireCompanyAdminUser(req, *auth, companies);
    const std::string& cid = req.PathParam("id");
    return Response::Json(200, aws->View(cid));
  });
  AddRoute(router, s, "POST", "/api/companies/{id}/aws-credentials",
           Audit{"company.aws_credentials", "company"}, [auth, companies, aws](Request& req) {
             RequireCompanyAdminUser(req, *auth, companies);
             const std::string& cid = req.PathParam("id");
             return Response::Json(200, aws->Put(cid, ParseJsonObject(req)));
           });
  AddRoute(router, s, "DELETE", "/api/companies/{id}/aws-credentials",
           Audit{"aws_credential_deleted", "aws_credential"}, [auth, companies, aws](Request& req) {
             RequireCompanyAdminUser(req, *auth, companies);
             const std::string& cid = req.PathParam("id");
             aws->Remove(cid);
             return Response::NoContent();
           });
}

}  // namespace aw::http
