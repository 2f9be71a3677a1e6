#include "base/errors.h"
#include "base/time_format.h"
#include "http/api.h"
#include "http/audit_hook.h"
#include "http/error_mapping.h"
#include "http/api_util.h"
#include "http/json_body.h"

namespace aw::http {

using nlohmann::json;

namespace {

services::AlertInput ParseAlert(const json& body) {
  services::AlertInput in;
  in.asset_name = RequiredString(body, "asset_name", 256);
  in.signature = RequiredString(body, "signature", 256);
  in.severity = RequiredEnum(body, "severity", {"critical", "high", "medium", "low"});
  in.message = RequiredString(body, "message", 16 * 1024);
  if (auto tool = OptionalString(body, "tool_source", 128); tool && !tool->empty()) in.tool_source = *tool;
  if (auto ts = OptionalString(body, "timestamp", 64)) {
    auto micros = ParseIso8601(*ts);
    if (!micros) ThrowInvalidField("timestamp", "must be an ISO-8601 date-time, e.g. 2026-01-31T12:00:00Z");
    in.timestamp_micros = *micros;
  }
  if (auto md = OptionalObject(body, "metadata")) in.metadata = std::move(*md);
  if (auto st = OptionalEnum(body, "status", {"active", "resolved", "firing"})) {
    in.status = *st == "resolved" ? "resolved" : "active";
  }
  return in;
}

}  // namespace

std::vector<std::string> VisibleCompanyIds(services::CompanyService* companies, const services::Principal& p) {
  if (!p.IsMspAdmin()) return p.company_ids;
  std::vector<std::string> ids;
  std::string cursor;
  do {
    auto page = companies->List(p, services::kMaxPageSize, cursor);
    for (const auto& c : page.items) ids.push_back(c.value("id", ""));
    cursor = page.next_cursor;
  } while (!cursor.empty());
  return ids;
}

void RegisterAlertRoutes(Router& router, const Services& s) {
  auto* auth = s.auth;
  auto* companies = s.companies;
  auto* alerts = s.alerts;
  auto* security = s.webhook_security;
  auto* limiter = s.rate_limiter;
  auto webhook = [companies, alerts, security, limiter](Request& req) {
    std::string key(req.Header("X-API-Key"));
    if (key.empty()) key = req.QueryParam("api_key").value_or("");
    if (key.empty()) {
      Throw(ErrorKind::kUnauthenticated, "missing_api_key",
            "an API key is required: pass ?api_key=... or the X-API-Key header");
    }
    const std::string company_id = companies->CompanyIdForApiKey(key);
    if (company_id.empty()) Throw(ErrorKind::kUnauthenticated, "invalid_api_key", "the API key is not valid");
    // Signature first: nothing below answers an unauthenticated request.
    security->Verify(company_id, req.Header("X-Signature"), req.Header("X-Timestamp"), req.body);
    auto limit_headers = limiter->Take(company_id);
    json body = ParseJsonObject(req);
    services::AlertInput in = ParseAlert(body);
    in.source_bytes = req.body.size();
    std::string delivery_id(req.Header("X-Delivery-ID"));
    if (delivery_id.size() > 256) ThrowInvalidField("X-Delivery-ID", "must be at most 256 characters long");
    auto answer = [limit_headers](const services::IngestResult& r) {
      json out = {{"message", r.duplicate ? "Duplicate delivery; alert already received" : "Alert received"},
                  {"alert_id", r.alert_id},
                  {"company_id", r.company_id},
                  {"duplicate", r.duplicate},
                  {"delivery_attempts", r.delivery_attempts}};
      if (!r.suppressed.empty()) out["suppressed"] = r.suppressed;  // docs/noise-control.md
      if (!r.incident_id.empty()) {
        out["incident_id"] = r.incident_id;
        out["incident_created"] = r.incident_created;
      }
      Response resp = Response::Json(202, out);
      for (const auto& h : limit_headers) resp.headers.push_back(h);
      return resp;
    };
    if (!req.respond_later) return answer(alerts->Ingest(company_id, in, delivery_id));
    // On the network thread (Router::AddInline): answer when durable.
    auto respond = std::move(req.respond_later);
    const std::string request_id = req.request_id;
    if (alerts->IngestAsync(company_id, in, delivery_id,
                            [respond, answer, request_id](services::IngestResult&& r, std::exception_ptr e) {
                              respond(e ? ResponseForException(e, request_id) : answer(r));
                            })) {
      return Response::Deferred();
    }
    req.run_blocking([alerts, company_id, in = std::move(in), delivery_id, respond, answer, request_id] {
      try {
        respond(answer(alerts->Ingest(company_id, in, delivery_id)));
      } catch (...) {
        respond(ResponseForException(std::current_exception(), request_id));
      }
    });
    return Response::Deferred();
  };
  if (alerts->pipelined()) {
    // Embedded store: the handler runs on the network thread and never
    // blocks (reads are local; the write goes to the intake pipeline).
    router.AddInline("POST", "/api/webhooks/alerts", webhook);
  } else {
    AddRoute(router, s, "POST", "/api/webhooks/alerts", webhook);
  }
  AddRoute(router, s, "GET", "/api/alerts", [auth, companies, alerts](Request& req) {
    auto p = RequireUser(req, *auth);
    auto pp = ReadPageParams(req);
    services::AlertFilter f;
    f.company_id = req.QueryParam("company_id").value_or("");
    f.status = req.QueryParam("status").value_or("");
    if (!f.status.empty() && f.status != "active" && f.status != "resolved" && f.status != "acknowledged") {
      ThrowInvalidField("status", "must be one of: active, acknowledged, resolved");
    }
    f.limit = pp.limit;
    f.cursor = pp.cursor;
    std::vector<std::string> all;
    if (f.company_id.empty() && p.IsMspAdmin()) all = VisibleCompanyIds(companies, p);
    return ListResponse(alerts->List(p, f, all));
  });
}

void RegisterHealthRoutes(Router& router, const Services& s) {
  json body = {{"status", "ok"}, {"store", s.store_kind}, {"version", s.version}};
  AddRoute(router, s, "GET", "/api/health", [body](Request&) { return Response::Json(200, body); });
}

void RegisterRoutes(Router& router, const Services& s) {
  RegisterHealthRoutes(router, s);
  RegisterAuthRoutes(router, s);
  RegisterUserRoutes(router, s);
  RegisterCompanyRoutes(router, s);
  RegisterAlertRoutes(router, s);
  RegisterIncidentRoutes(router, s);
  RegisterAssetRoutes(router, s);
  RegisterWebhookConfigRoutes(router, s);
  RegisterAuditRoutes(router, s);
  RegisterStoreStatsRoutes(router, s);
  if (s.notifications != nullptr) RegisterNotificationRoutes(router, s);
  if (s.chat != nullptr) RegisterChatRoutes(router, s);
  RegisterSlaRoutes(router, s);
  RegisterOnCallRoutes(router, s);
  RegisterAnalysisRoutes(router, s);
  if (s.runbooks != nullptr) RegisterRunbookRoutes(router, s);
  if (s.approvals != nullptr) RegisterApprovalRoutes(router, s);
  if (s.executions != nullptr) RegisterExecutionRoutes(router, s);
  RegisterNoiseRoutes(router, s);
  RegisterOpenApiRoute(router, s);  // last: it documents every route above
}

}  // namespace aw::http
