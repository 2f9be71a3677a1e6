#include "base/errors.h"
#include "base/time_format.h"
#include "http/api.h"
#include "http/api_util.h"
#include "http/audit_hook.h"
#include "http/error_mapping.h"
#include "http/http_metrics.h"
#include "http/json_body.h"
#include "http/native_alert.h"
#include "http/webhook_intake.h"

namespace aw::http {

using nlohmann::json;

void RegisterAlertRoutes(Router& router, const Services& s) {
  auto* auth = s.auth;
  auto* alerts = s.alerts;
  // Services is a bundle of pointers: copied into the handler.
  auto webhook = [s, alerts](Request& req) {
    WebhookCaller caller = AuthenticateWebhook(req, s);
    json body = ParseJsonObject(req);
    services::AlertInput in = ParseNativeAlert(body);
    in.source_bytes = req.body.size();
    std::string delivery_id(req.Header("X-Delivery-ID"));
    if (delivery_id.size() > 256) ThrowInvalidField("X-Delivery-ID", "must be at most 256 characters long");
    auto limit_headers = std::move(caller.rate_headers);
    auto answer = [limit_headers](std::vector<services::IngestResult>& results) {
      const services::IngestResult& r = results.front();
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
    // A request with an X-Delivery-ID is idempotent by that id already (the
    // intake answers its repeats and counts them). Without one, a signed
    // request seen before within its window is a replay: a repeat, with no
    // side effect (services/webhook_replay.h).
    auto* security = s.webhook_security;
    std::optional<services::SignedDelivery> signed_delivery;
    if (delivery_id.empty()) signed_delivery = caller.signed_delivery;
    if (signed_delivery) {
      if (auto first = security->AcceptedBefore(caller.company_id, *signed_delivery)) {
        services::IngestResult repeat;
        repeat.alert_id = *first;
        repeat.company_id = caller.company_id;
        repeat.duplicate = true;
        ObserveIntakeAlert(caller.company_id, repeat);
        std::vector<services::IngestResult> one{repeat};
        return answer(one);
      }
    }
    // Accepted: a signed delivery is remembered for its window.
    auto accepted = [answer, security, company_id = caller.company_id,
                     signed_delivery](std::vector<services::IngestResult>& rs) {
      if (signed_delivery && !rs.empty())
        security->RecordAccepted(company_id, *signed_delivery, rs[0].alert_id);
      return answer(rs);
    };
    const std::string request_id = req.request_id;
    auto failure = [request_id](size_t, std::exception_ptr e) { return ResponseForException(e, request_id); };
    std::vector<BatchItem> items;
    items.push_back({std::move(in), std::move(delivery_id)});
    return IngestBatch(req, alerts, caller.company_id, std::move(items), accepted, failure);
  };
  if (alerts->pipelined()) {
    // Embedded store: the handler runs on the network thread and never
    // blocks (reads are local; the write goes to the intake pipeline).
    router.AddInline("POST", "/api/webhooks/alerts", webhook);
  } else {
    AddRoute(router, s, "POST", "/api/webhooks/alerts", webhook);
  }
  AddRoute(router, s, "GET", "/api/alerts", [auth, alerts](Request& req) {
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
    // The MSP admin's list of every company reads the sharded index (no
    // company directory): `all` is needed by nobody else.
    std::vector<std::string> all;
    return ListResponse(alerts->List(p, f, all));
  });
}

void RegisterHealthRoutes(Router& router, const Services& s) {
  json body = {{"status", "ok"}, {"store", s.store_kind}, {"version", s.version}};
  AddRoute(router, s, "GET", "/api/health", [body](Request&) { return Response::Json(200, body); });
  // Readiness for load balancers and orchestrators: no token (like health),
  // 503 with the reasons while the store or a background task is not well.
  AddRoute(router, s, "GET", "/api/ready", [readiness = s.readiness](Request&) {
    services::Readiness r = readiness ? readiness() : services::Readiness{};
    if (r.ready()) return Response::Json(200, {{"status", "ready"}, {"workers", std::move(r.workers)}});
    std::string detail = "not ready: ";
    for (size_t i = 0; i < r.reasons.size(); ++i) detail += (i ? "; " : "") + r.reasons[i];
    Response resp = Response::Json(503, {{"status", "not_ready"}, {"code", "not_ready"}, {"detail", detail},
                                         {"reasons", r.reasons}, {"workers", std::move(r.workers)}});
    resp.headers.emplace_back("Retry-After", "5");
    return resp;
  });
}

void RegisterRoutes(Router& router, const Services& s) {
  RegisterHealthRoutes(router, s);
  RegisterAuthRoutes(router, s);
  RegisterUserRoutes(router, s);
  RegisterCompanyRoutes(router, s);
  RegisterAlertRoutes(router, s);
  RegisterIntakeRoutes(router, s);
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
  if (s.sns != nullptr) RegisterCloudWatchRoutes(router, s);
  RegisterNoiseRoutes(router, s);
  RegisterOpenApiRoute(router, s);  // last: it documents every route above
}

}  // namespace aw::http
