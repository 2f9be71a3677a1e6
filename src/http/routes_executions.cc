// Runbook executions on incidents, and decisions.

#include "base/errors.h"
#include "core/runbook_fields.h"
#include "http/api.h"
#include "http/api_util.h"
#include "http/audit_hook.h"
#include "http/json_body.h"

namespace aw::http {

using nlohmann::json;

namespace {

// Optional target override: instance_ids (alias targets) or target_tag_key/value.
std::optional<services::RunbookTarget> ParseTargetOverride(const json& body) {
  services::RunbookTarget t;
  const char* ids_field = body.contains("instance_ids") ? "instance_ids" : "targets";
  if (body.contains(ids_field) && !body[ids_field].is_null()) {
    t.instance_ids = StringList(body, ids_field, 1000);
    if (auto problem = core::CheckInstanceIds(t.instance_ids); !problem.empty())
      ThrowInvalidField(ids_field, problem);
  }
  auto key = OptionalString(body, "target_tag_key", 200);
  auto value = OptionalString(body, "target_tag_value", 300);
  if (key && !key->empty()) {
    if (!t.instance_ids.empty()) {
      ThrowInvalidField(ids_field, "give either instance ids or target_tag_key/target_tag_value, not both");
    }
    if (auto problem = core::CheckTagKey(*key); !problem.empty())
      ThrowInvalidField("target_tag_key", problem);
    if (!value || value->empty()) ThrowInvalidField("target_tag_value", "field required with target_tag_key");
    if (auto problem = core::CheckTagValue(*value); !problem.empty())
      ThrowInvalidField("target_tag_value", problem);
    t.tag_key = *key;
    t.tag_value = *value;
  }
  if (t.empty()) return std::nullopt;
  return t;
}

}  // namespace

void RegisterExecutionRoutes(Router& router, const Services& s) {
  auto* auth = s.auth;
  auto* incidents = s.incidents;
  auto* executions = s.executions;

  AddRoute(router, s, "POST", "/api/incidents/{id}/execute-runbook",
           Audit{"incident.execute_runbook", "incident"}, [auth, incidents, executions](Request& req) {
             auto p = RequireUser(req, *auth);
             RequireVisibleOwnerOf(req, p, incidents->CompanyOf(req.PathParam("id")), "incident");
             json body = ParseJsonObject(req);
             std::string runbook_id = RequiredString(body, "runbook_id", 128);
             auto target = ParseTargetOverride(body);
             auto r = executions->Execute(p, req.PathParam("id"), runbook_id, target);
             return Response::Json(static_cast<unsigned>(r.http_status), r.body);
           });
  AddRoute(router, s, "GET", "/api/incidents/{id}/executions", [auth, executions](Request& req) {
    auto p = RequireUser(req, *auth);
    auto pp = ReadPageParams(req);
    return ListResponse(executions->ListForIncident(p, req.PathParam("id"), pp.limit, pp.cursor));
  });
  AddRoute(router, s, "GET", "/api/executions/{id}", [auth, executions](Request& req) {
    auto p = RequireUser(req, *auth);
    return Response::Json(200, executions->Get(p, req.PathParam("id")));
  });
  AddRoute(router, s, "POST", "/api/incidents/{id}/decide", Audit{"incident.decide", "incident"},
           [auth, incidents, executions](Request& req) {
             auto p = RequireUser(req, *auth);
             NoteAuditTarget(req, incidents->CompanyOf(req.PathParam("id")), req.PathParam("id"));
             return Response::Json(200, executions->Decide(p, req.PathParam("id")));
           });
}

}  // namespace aw::http
