// Noise control (docs/noise-control.md): silences, maintenance windows,
// inhibition rules and heartbeats of a company; the heartbeat ping.

#include "base/errors.h"
#include "http/api.h"
#include "http/api_util.h"
#include "http/audit_hook.h"
#include "http/json_body.h"

namespace aw::http {

using nlohmann::json;

void RegisterNoiseRoutes(Router& router, const Services& s) {
  if (s.noise == nullptr || s.heartbeats == nullptr) return;
  auto* auth = s.auth;
  auto* companies = s.companies;
  auto* noise = s.noise;
  auto* heartbeats = s.heartbeats;
  auto* limiter = s.rate_limiter;
  // A user of the company (404 for another company's, as in the other company routes).
  auto user_of = [auth, companies](Request& req) { return RequireCompanyUser(req, *auth, companies); };
  // Technicians and admins change these; clients read them.
  auto writer_of = [user_of](Request& req) {
    auto p = user_of(req);
    services::RequireWrite(p, req.PathParam("id"));
    return p;
  };
  auto created = [](const Request& req, json body) {
    NoteAuditTarget(req, "", body.value("id", ""));
    return Response::Json(201, body);
  };

  // Silences.
  AddRoute(router, s, "GET", "/api/companies/{id}/silences", [user_of, noise](Request& req) {
    user_of(req);
    auto pp = ReadPageParams(req);
    return ListResponse(noise->ListSilences(req.PathParam("id"), pp.limit, pp.cursor));
  });
  AddRoute(router, s, "POST", "/api/companies/{id}/silences", Audit{"silence_created", "silence"},
           [writer_of, noise, created](Request& req) {
             auto p = writer_of(req);
             return created(req, noise->CreateSilence(p, req.PathParam("id"), ParseJsonObject(req)));
           });
  AddRoute(router, s, "DELETE", "/api/companies/{id}/silences/{silence_id}",
           Audit{"silence_deleted", "silence"}, [writer_of, noise](Request& req) {
             writer_of(req);
             NoteAuditTarget(req, "", req.PathParam("silence_id"));
             return Response::Json(200,
                                   noise->DeleteSilence(req.PathParam("id"), req.PathParam("silence_id")));
           });

  // Maintenance windows.
  AddRoute(router, s, "GET", "/api/companies/{id}/maintenance-windows", [user_of, noise](Request& req) {
    user_of(req);
    auto pp = ReadPageParams(req);
    return ListResponse(noise->ListWindows(req.PathParam("id"), pp.limit, pp.cursor));
  });
  AddRoute(router, s, "POST", "/api/companies/{id}/maintenance-windows",
           Audit{"maintenance_window_created", "maintenance_window"},
           [writer_of, noise, created](Request& req) {
             auto p = writer_of(req);
             return created(req, noise->CreateWindow(p, req.PathParam("id"), ParseJsonObject(req)));
           });
  AddRoute(router, s, "PUT", "/api/companies/{id}/maintenance-windows/{window_id}",
           Audit{"maintenance_window_updated", "maintenance_window"}, [writer_of, noise](Request& req) {
             auto p = writer_of(req);
             NoteAuditTarget(req, "", req.PathParam("window_id"));
             return Response::Json(200,
                                   noise->UpdateWindow(p, req.PathParam("id"), req.PathParam("window_id"),
                                                       ParseJsonObject(req)));
           });
  AddRoute(router, s, "DELETE", "/api/companies/{id}/maintenance-windows/{window_id}",
           Audit{"maintenance_window_deleted", "maintenance_window"}, [writer_of, noise](Request& req) {
             writer_of(req);
             NoteAuditTarget(req, "", req.PathParam("window_id"));
             noise->DeleteWindow(req.PathParam("id"), req.PathParam("window_id"));
             return Response::Json(200, {{"deleted", true}, {"id", req.PathParam("window_id")}});
           });

  // Inhibition rules: a company setting, for its admins (like correlation rules).
  AddRoute(router, s, "GET", "/api/companies/{id}/inhibition-rules", [user_of, noise](Request& req) {
    user_of(req);
    return Response::Json(200, noise->InhibitionView(req.PathParam("id")));
  });
  AddRoute(router, s, "PUT", "/api/companies/{id}/inhibition-rules",
           Audit{"inhibition_rule_updated", "inhibition_rule"}, [user_of, noise](Request& req) {
             auto p = user_of(req);
             services::RequireCompanyAdmin(p, req.PathParam("id"));
             return Response::Json(200, noise->PutInhibition(req.PathParam("id"), ParseJsonObject(req)));
           });

  // Heartbeats.
  AddRoute(router, s, "GET", "/api/companies/{id}/heartbeats", [user_of, heartbeats](Request& req) {
    user_of(req);
    auto pp = ReadPageParams(req);
    return ListResponse(heartbeats->List(req.PathParam("id"), pp.limit, pp.cursor));
  });
  AddRoute(router, s, "POST", "/api/companies/{id}/heartbeats", Audit{"heartbeat_created", "heartbeat"},
           [writer_of, heartbeats, created](Request& req) {
             auto p = writer_of(req);
             return created(req, heartbeats->Create(p, req.PathParam("id"), ParseJsonObject(req)));
           });
  AddRoute(router, s, "DELETE", "/api/companies/{id}/heartbeats/{heartbeat_id}",
           Audit{"heartbeat_deleted", "heartbeat"}, [writer_of, heartbeats](Request& req) {
             writer_of(req);
             NoteAuditTarget(req, "", req.PathParam("heartbeat_id"));
             heartbeats->Delete(req.PathParam("id"), req.PathParam("heartbeat_id"));
             return Response::Json(200, {{"deleted", true}, {"id", req.PathParam("heartbeat_id")}});
           });
  // The ping: the company's API key, like webhook intake (and, like it, not
  // audited per call: the heartbeat item records the last ping). A
  // heartbeat of another company is not found.
  router.Add("POST", "/api/heartbeats/{heartbeat_id}/ping", [companies, heartbeats, limiter](Request& req) {
    std::string key(req.Header("X-API-Key"));
    if (key.empty()) key = req.QueryParam("api_key").value_or("");
    if (key.empty()) {
      Throw(ErrorKind::kUnauthenticated, "missing_api_key",
            "an API key is required: pass ?api_key=... or the X-API-Key header");
    }
    const std::string company_id = companies->CompanyIdForApiKey(key);
    if (company_id.empty()) Throw(ErrorKind::kUnauthenticated, "invalid_api_key", "the API key is not valid");
    auto limit_headers = limiter->Take(company_id);
    Response resp = Response::Json(200, heartbeats->Ping(company_id, req.PathParam("heartbeat_id")));
    for (const auto& h : limit_headers) resp.headers.push_back(h);
    return resp;
  });
}

}  // namespace aw::http
