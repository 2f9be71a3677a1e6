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
  auto user_of = [auth, companies](Request& req) {
    auto p = RequireUser(req, *auth);
    const std::string& cid = req.PathParam("id");
    services::RequireVisibleCompany(companies, p, cid);
    return p;
  };
  // Technicians and admins change these; clients read them.
  auto writer_of = [user_of](Request& req) {
    auto p = user_of(req);
    services::RequireWrite(p, req.PathParam("id"));
    return p;
  };
  auto created = [](json body) {
    NoteAuditTarget("", body.value("id", ""));
    return Response::Json(201, body);
  };

  // Silences.
  AddRoute(router, s, "GET", "/api/companies/{id}/silences", [user_of, noise](Request& req) {
    user_of(req);
    auto pp = ReadPageParams(req);
    return ListResponse(noise->ListSilences(req.PathParam("id"), pp.limit, pp.cursor));
  });
  AddRoute(router, s, "POST", "/api/companies/{id}/silences", [writer_of, noise, created](Request& req) {
    auto p = writer_of(req);
    return created(noise->CreateSilence(p, req.PathParam("id"), ParseJsonObject(req)));
  });
  AddRoute(
      router, s, "DELETE", "/api/companies/{id}/silences/{silence_id}", [writer_of, noise](Request& req) {
        writer_of(req);
        NoteAuditTarget("", req.PathParam("silence_id"));
        return Response::Json(200, noise->DeleteSilence(req.PathParam("id"), req.PathParam("silence_id")));
      });

  // Maintenance windows.
  AddRoute(router, s, "GET", "/api/companies/{id}/maintenance-windows", [user_of, noise](Request& req) {
    user_of(req);
    auto pp = ReadPageParams(req);
    return ListResponse(noise->ListWindows(req.PathParam("id"), pp.limit, pp.cursor));
  });
  AddRoute(router, s, "POST", "/api/companies/{id}/maintenance-windows",
           [writer_of, noise, created](Request& req) {
             auto p = writer_of(req);
             return created(noise->CreateWindow(p, req.PathParam("id"), ParseJsonObject(req)));
           });
  AddRoute(router, s, "PUT", "/api/companies/{id}/maintenance-windows/{window_id}",
           [writer_of, noise](Request& req) {
             auto p = writer_of(req);
             NoteAuditTarget("", req.PathParam("window_id"));
             return Response::Json(200,
                                   noise->UpdateWindow(p, req.PathParam("id"), req.PathParam("window_id"),
                                                       ParseJsonObject(req)));
           });
  AddRoute(router, s, "DELETE", "/api/companies/{id}/maintenance-windows/{window_id}",
           [writer_of, noise](Request& req) {
             writer_of(req);
             NoteAuditTarget("", req.PathParam("window_id"));
             noise->DeleteWindow(req.PathParam("id"), req.PathParam("window_id"));
             return Response::Json(200, {{"deleted", true}, {"id", req.PathParam("window_id")}});
           });

  // Inhibition rules: a company setting, for its admins (like correlation rules).
  AddRoute(router, s, "GET", "/api/companies/{id}/inhibition-rules", [user_of, noise](Request& req) {
    user_of(req);
    return Response::Json(200, noise->InhibitionView(req.PathParam("id")));
  });
  AddRoute(router, s, "PUT", "/api/companies/{id}/inhibition-rules", [user_of, noise](Request& req) {
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
  AddRoute(router, s, "POST", "/api/companies/{id}/heartbeats",
           [writer_of, heartbeats, created](Request& req) {
             auto p = writer_of(req);
             return created(heartbeats->Create(p, req.PathParam("id"), ParseJsonObject(req)));
           });
  AddRoute(router, s, "DELETE", "/api/companies/{id}/heartbeats/{heartbeat_id}",
           [writer_of, heartbeats](Request& req) {
             writer_of(req);
             NoteAuditTarget("", req.PathParam("heartbeat_id"));
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
