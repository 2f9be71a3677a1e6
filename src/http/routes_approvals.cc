// Approval requests for risky runbook executions.

#include "base/errors.h"
#include "http/api.h"
#include "http/api_util.h"
#include "http/audit_hook.h"
#include "http/json_body.h"

namespace aw::http {

using nlohmann::json;

void RegisterApprovalRoutes(Router& router, const Services& s) {
  auto* auth = s.auth;
  auto* companies = s.companies;
  auto* approvals = s.approvals;
  auto* executions = s.executions;

  AddRoute(router, s, "GET", "/api/approval-requests", [auth, companies, approvals](Request& req) {
    auto p = RequireUser(req, *auth);
    auto pp = ReadPageParams(req);
    std::string cid = req.QueryParam("company_id").value_or("");
    std::string status = req.QueryParam("status").value_or("");
    std::vector<std::string> all;
    if (cid.empty() && p.IsMspAdmin()) all = services::VisibleCompanyIds(companies, p);
    return ListResponse(approvals->List(p, cid, status, pp.limit, pp.cursor, all));
  });
  AddRoute(router, s, "GET", "/api/approval-requests/{id}", [auth, approvals](Request& req) {
    auto p = RequireUser(req, *auth);
    return Response::Json(200, approvals->Get(p, req.PathParam("id")));
  });
  AddRoute(router, s, "POST", "/api/approval-requests/{id}/approve",
           Audit{"approval_request.approve", "approval_request"}, [auth, approvals, executions](Request& req) {
             auto p = RequireUser(req, *auth);
             RequireVisibleOwnerOf(req, p, approvals->CompanyOf(req.PathParam("id")), "approval request");
             std::string notes;
             if (!req.body.empty()) notes = OptionalString(ParseJsonObject(req), "notes", 2000).value_or("");
             json out = executions->ApproveAndRun(p, req.PathParam("id"), notes);
             NoteAuditTarget(req, out["approval_request"].value("company_id", ""), req.PathParam("id"));
             return Response::Json(200, out);
           });
  AddRoute(router, s, "POST", "/api/approval-requests/{id}/reject",
           Audit{"approval_request.reject", "approval_request"}, [auth, approvals](Request& req) {
             auto p = RequireUser(req, *auth);
             RequireVisibleOwnerOf(req, p, approvals->CompanyOf(req.PathParam("id")), "approval request");
             std::string reason;
             if (!req.body.empty())
               reason = OptionalString(ParseJsonObject(req), "reason", 2000).value_or("");
             json out = approvals->Reject(p, req.PathParam("id"), reason);
             NoteAuditTarget(req, out.value("company_id", ""), req.PathParam("id"));
             return Response::Json(200, out);
           });
}

}  // namespace aw::http
