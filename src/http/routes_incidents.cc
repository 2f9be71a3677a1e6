#include "base/errors.h"
#include "core/incident_status.h"
#include "http/api.h"
#include "http/api_util.h"
#include "http/audit_hook.h"
#include "http/json_body.h"

namespace aw::http {

using nlohmann::json;

void RegisterIncidentRoutes(Router& router, const Services& s) {
  auto* auth = s.auth;
  auto* companies = s.companies;
  auto* incidents = s.incidents;
  auto* users = s.users;
  auto* kpis = s.kpis;

  AddRoute(router, s, "GET", "/api/incidents", [auth, companies, incidents](Request& req) {
    auto p = RequireUser(req, *auth);
    auto pp = ReadPageParams(req);
    services::IncidentFilter f;
    f.company_id = req.QueryParam("company_id").value_or("");
    f.status = req.QueryParam("status").value_or("");
    f.sort = req.QueryParam("sort").value_or("time");
    f.limit = pp.limit;
    f.cursor = pp.cursor;
    // The MSP admin's list of every company reads the sharded indexes, not
    // the company directory (a fixed cost per page, whatever the MSP's size).
    std::vector<std::string> all;
    if (f.company_id.empty() && !p.IsMspAdmin()) all = services::VisibleCompanyIds(companies, p);
    return ListResponse(incidents->List(p, f, all));
  });
  AddRoute(router, s, "GET", "/api/incidents/stats", [auth, companies, incidents](Request& req) {
    auto p = RequireUser(req, *auth);
    std::string company_id = req.QueryParam("company_id").value_or("");
    std::vector<std::string> all;
    if (company_id.empty()) all = services::VisibleCompanyIds(companies, p);
    return Response::Json(200, incidents->Stats(p, company_id, all));
  });
  AddRoute(router, s, "GET", "/api/incidents/{id}", [auth, incidents](Request& req) {
    auto p = RequireUser(req, *auth);
    json inc = incidents->Get(p, req.PathParam("id"));
    auto page = incidents->Alerts(p, req.PathParam("id"), 50, "");
    inc["alerts"] = page.items;
    return Response::Json(200, inc);
  });
  AddRoute(router, s, "GET", "/api/incidents/{id}/alerts", [auth, incidents](Request& req) {
    auto p = RequireUser(req, *auth);
    auto pp = ReadPageParams(req);
    return ListResponse(incidents->Alerts(p, req.PathParam("id"), pp.limit, pp.cursor));
  });
  AddRoute(router, s, "PUT", "/api/incidents/{id}", Audit{"incident_updated", "incident"},
           [auth, incidents, users](Request& req) {
             auto p = RequireUser(req, *auth);
             RequireVisibleOwnerOf(req, p, incidents->CompanyOf(req.PathParam("id")), "incident");
             json body = ParseJsonObject(req);
             services::IncidentPatch patch;
             patch.status = OptionalEnum(
                 body, "status", {"new", "acknowledged", "in_progress", "escalated", "resolved", "closed"});
             if (body.contains("assigned_to")) {
               if (body["assigned_to"].is_null()) {
                 patch.assigned_to = "";
               } else {
                 std::string who = RequiredString(body, "assigned_to", 64);
                 if (!users->FindById(who)) ThrowInvalidField("assigned_to", "no user with id " + who);
                 patch.assigned_to = who;
               }
             }
             patch.resolution_notes = OptionalString(body, "resolution_notes", 8192);
             patch.version = OptionalInt(body, "version", 0, INT64_MAX);
             if (!patch.status && !patch.assigned_to && !patch.resolution_notes) {
               ThrowInvalidField("body", "nothing to change: give status, assigned_to or resolution_notes");
             }
             return Response::Json(200, incidents->Update(p, req.PathParam("id"), patch));
           });
  AddRoute(router, s, "POST", "/api/incidents/{id}/acknowledge", Audit{"incident.acknowledge", "incident"},
           [auth, incidents](Request& req) {
             auto p = RequireUser(req, *auth);
             NoteAuditTarget(req, incidents->CompanyOf(req.PathParam("id")), req.PathParam("id"));
             return Response::Json(200, incidents->Acknowledge(p, req.PathParam("id")));
           });
  AddRoute(router, s, "POST", "/api/incidents/{id}/escalate", Audit{"incident.escalate", "incident"},
           [auth, incidents](Request& req) {
             auto p = RequireUser(req, *auth);
             RequireVisibleOwnerOf(req, p, incidents->CompanyOf(req.PathParam("id")), "incident");
             std::string reason;
             if (!req.body.empty()) {
               json body = ParseJsonObject(req);
               reason = OptionalString(body, "reason", 2000).value_or("");
             }
             return Response::Json(200, incidents->Escalate(p, req.PathParam("id"), reason));
           });

  AddRoute(router, s, "GET", "/api/companies/{id}/correlation-config",
           [auth, incidents, companies](Request& req) {
             RequireCompanyUser(req, *auth, companies);
             return Response::Json(200, incidents->CorrelationConfigView(req.PathParam("id")));
           });
  AddRoute(router, s, "PUT", "/api/companies/{id}/correlation-config",
           Audit{"correlation_config_updated", "correlation_config"},
           [auth, incidents, companies](Request& req) {
             RequireCompanyAdminUser(req, *auth, companies);
             const std::string& cid = req.PathParam("id");
             return Response::Json(200, incidents->PutCorrelationConfig(cid, ParseJsonObject(req)));
           });
  AddRoute(router, s, "GET", "/api/correlation/dedup-keys", [auth](Request& req) {
    RequireUser(req, *auth);
    return Response::Json(
        200, {{"aggregation_keys",
               json::array(
                   {{{"key", "asset|signature"},
                     {"default", true},
                     {"description",
                      "One incident per asset and alert signature: the same problem on the same machine."}},
                    {{"key", "asset|signature|tool"},
                     {"default", false},
                     {"description", "As asset|signature, but each monitoring tool opens its own incident."}},
                    {{"key", "signature"},
                     {"default", false},
                     {"description",
                      "One incident per signature across all assets: a problem hitting many machines."}},
                    {{"key", "asset"},
                     {"default", false},
                     {"description",
                      "One incident per asset, whatever the signature: everything wrong with a machine."}}})},
              {"repeats",
               "An alert with the same asset_name, signature and message as an active alert of the company "
               "within 24 "
               "hours (or with the same X-Delivery-ID) is a repeat: it returns the first alert's id with "
               "\"duplicate\": true and only increments delivery_attempts."},
              {"time_window",
               "An alert joins the open incident of its key when that incident's last alert is at most "
               "time_window_minutes old; otherwise it opens a new incident."}});
  });
  AddRoute(router, s, "GET", "/api/kpis/{company_id}", [auth, kpis, companies](Request& req) {
    auto p = RequireUser(req, *auth);
    const std::string& cid = req.PathParam("company_id");
    services::RequireVisibleCompany(companies, p, cid);
    return Response::Json(200, kpis->Get(cid));
  });
}

}  // namespace aw::http
