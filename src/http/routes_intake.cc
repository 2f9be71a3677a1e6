// Receivers for monitoring tools' own payloads (docs/intake.md): each parses
// the tool's body with its pure adapter (core/intake/<tool>.h) and sends
// every alert in it through the same intake as POST /api/webhooks/alerts
// (http/webhook_intake.h): API key, HMAC where enabled, rate limit (one
// token per request), repeats, correlation, live events.

#include <set>
#include <tuple>

#include "base/errors.h"
#include "core/intake/alertmanager.h"
#include "core/intake/common.h"
#include "core/intake/datadog.h"
#include "core/intake/grafana.h"
#include "core/intake/pagerduty.h"
#include "core/intake/zabbix.h"
#include "http/api.h"
#include "http/api_util.h"
#include "http/audit_hook.h"
#include "http/error_mapping.h"
#include "http/json_body.h"
#include "http/webhook_intake.h"

namespace aw::http {

using nlohmann::json;
namespace ci = core::intake;

namespace {

using Adapter = std::function<ci::AdapterResult(const json&, const ci::IntakeMapping&, int64_t now_micros)>;

std::string Describe(const services::AlertInput& in) {
  return "(" + ci::Truncate(in.signature, 80) + " on " + ci::Truncate(in.asset_name, 80) + ")";
}

// The response for an alert of the batch that was not stored: a 4xx keeps
// its status and code; anything else is a 503 (retry), never a 2xx.
BatchFailure NameFailures(const std::string& request_id, std::vector<std::string> names) {
  return [request_id, names = std::move(names)](size_t i, std::exception_ptr e) {
    Response mapped = ResponseForException(e, request_id);  // logs what is internal
    json b = json::parse(mapped.body, nullptr, false);
    std::string detail = b.is_object() ? b.value("detail", "") : "";
    std::string code = b.is_object() ? b.value("code", "intake_failed") : "intake_failed";
    const std::string name = i < names.size() ? names[i] : "alert " + std::to_string(i);
    unsigned status = mapped.status;
    if (status >= 500) {
      if (status != 503) code = "intake_failed";
      status = 503;
      detail = name + " was not stored (" + detail +
               "); retry the request: alerts stored before it count as repeats";
    } else {
      detail = name + ": " + detail;
    }
    Response out = ErrorResponse(status, code, detail);
    out.headers = mapped.headers;
    bool has_retry = false;
    for (const auto& h : out.headers) has_retry = has_retry || EqualsIgnoreCase(h.first, "Retry-After");
    if (status == 503 && !has_retry) out.headers.emplace_back("Retry-After", "1");
    return out;
  };
}

Response BatchSummary(unsigned status, const std::string& company_id,
                      std::vector<services::IngestResult>& results, const std::vector<std::string>& statuses,
                      const std::vector<std::pair<std::string, std::string>>& rate_headers) {
  json list = json::array();
  size_t duplicates = 0;
  for (size_t i = 0; i < results.size(); ++i) {
    const auto& r = results[i];
    json a = {{"alert_id", r.alert_id}, {"status", statuses[i]}, {"duplicate", r.duplicate}};
    if (!r.incident_id.empty()) a["incident_id"] = r.incident_id;
    duplicates += r.duplicate ? 1 : 0;
    list.push_back(std::move(a));
  }
  json out = {{"message",
               std::to_string(results.size()) + (results.size() == 1 ? " alert" : " alerts") + " received"},
              {"company_id", company_id},
              {"received", results.size()},
              {"duplicates", duplicates},
              {"alerts", std::move(list)}};
  Response resp = Response::Json(status, out);
  for (const auto& h : rate_headers) resp.headers.push_back(h);
  return resp;
}

// One tool route: authenticate, adapt, ingest every alert, answer `status`.
Handler ToolRoute(const Services& s, Adapter adapt, unsigned status) {
  return [s, adapt = std::move(adapt), status](Request& req) {
    WebhookAuthOptions o;
    o.allow_bearer = true;
    WebhookCaller caller = AuthenticateWebhook(req, s, o);
    json body = ParseJsonValue(req);
    ci::AdapterResult r =
        adapt(body, s.tool_intake->MappingFor(caller.company_id), s.tool_intake->NowMicros());
    if (r.error) Throw(ErrorKind::kBadRequest, "invalid_payload", r.error->message);
    std::vector<BatchItem> items;
    std::vector<std::string> names, statuses;
    items.reserve(r.alerts.size());
    for (size_t i = 0; i < r.alerts.size(); ++i) {
      services::AlertInput in = services::IntakeService::ToInput(r.alerts[i], req.body.size());
      names.push_back("alerts[" + std::to_string(i) + "] " + Describe(in));
      statuses.push_back(in.status);
      items.push_back({std::move(in), std::move(r.alerts[i].repeat_key)});
    }
    auto answer = [status, company_id = caller.company_id, statuses = std::move(statuses),
                   headers = std::move(caller.rate_headers)](std::vector<services::IngestResult>& results) {
      return BatchSummary(status, company_id, results, statuses, headers);
    };
    return IngestBatch(req, s.alerts, caller.company_id, std::move(items), std::move(answer),
                       NameFailures(req.request_id, std::move(names)));
  };
}

// PagerDuty's own answers (Events API v2), plus our detail/code.
Response PagerDutyInvalid(const std::string& sentence) {
  return Response::Json(400, {{"status", "invalid event"},
                              {"message", "Event object is invalid"},
                              {"errors", json::array({sentence})},
                              {"detail", sentence},
                              {"code", "invalid_event"}});
}

Response PagerDutyAccepted(const std::string& dedup_key,
                           const std::vector<std::pair<std::string, std::string>>& rate_headers) {
  Response resp =
      Response::Json(202, {{"status", "success"}, {"message", "Event processed"}, {"dedup_key", dedup_key}});
  for (const auto& h : rate_headers) resp.headers.push_back(h);
  return resp;
}

// Acknowledge / resolve: they name an alert by dedup_key only, so the
// company's active alerts of that key are looked up (a bounded query that
// may block: a worker runs it). Resolve sends one recovery per (asset,
// signature) found through the normal intake; acknowledge moves their open
// incidents to acknowledged. An unknown dedup_key is accepted, as PagerDuty
// does.
Response PagerDutyFollowUp(const Services& s, const std::string& company_id, const ci::PagerDutyEvent& e,
                           const std::vector<std::pair<std::string, std::string>>& rate_headers,
                           const std::string& request_id) {
  std::vector<json> found = s.tool_intake->ActiveAlertsWithDedupKey(company_id, e.dedup_key);
  if (e.action == ci::PagerDutyAction::kAcknowledge) {
    std::vector<std::string> incidents;
    for (const auto& a : found) incidents.push_back(a.value("correlated_incident_id", ""));
    s.tool_intake->AcknowledgeIncidents(company_id, incidents);
    return PagerDutyAccepted(e.dedup_key, rate_headers);
  }
  std::set<std::tuple<std::string, std::string, std::string>> keys;
  for (const auto& a : found) {
    keys.emplace(a.value("asset_name", ""), a.value("signature", ""), a.value("severity", "medium"));
  }
  for (const auto& [asset, signature, severity] : keys) {
    services::AlertInput in;
    in.asset_name = asset;
    in.signature = signature;
    in.severity = severity;
    in.message =
        "Resolved by a PagerDuty Events API resolve event (dedup_key " + ci::Truncate(e.dedup_key, 255) + ")";
    in.tool_source = "PagerDuty";
    in.status = "resolved";
    in.metadata = {{"dedup_key", e.dedup_key}, {"labels", json::object()}};
    try {
      s.alerts->Ingest(company_id, in, "");
    } catch (...) {
      return NameFailures(request_id, {"the recovery of " + Describe(in)})(0, std::current_exception());
    }
  }
  return PagerDutyAccepted(e.dedup_key, rate_headers);
}

Handler PagerDutyRoute(const Services& s) {
  return [s](Request& req) {
    json body;
    try {
      body = ParseJsonValue(req);
    } catch (const ApiError& err) {
      return PagerDutyInvalid(err.detail());
    }
    WebhookAuthOptions o;
    o.allow_bearer = true;
    o.key_from_body = ci::PagerDutyRoutingKey(body);
    WebhookCaller caller = AuthenticateWebhook(req, s, o);
    ci::PagerDutyResult pd = ci::AdaptPagerDuty(body, s.tool_intake->MappingFor(caller.company_id));
    if (pd.error) return PagerDutyInvalid(pd.error->message);
    ci::PagerDutyEvent e = std::move(*pd.event);
    if (e.action == ci::PagerDutyAction::kTrigger) {
      services::AlertInput in = services::IntakeService::ToInput(*e.alert, req.body.size());
      std::vector<std::string> names = {"the alert " + Describe(in)};
      std::vector<BatchItem> items;
      items.push_back({std::move(in), ""});
      auto answer = [dedup = e.dedup_key, headers = caller.rate_headers](
                        std::vector<services::IngestResult>&) { return PagerDutyAccepted(dedup, headers); };
      return IngestBatch(req, s.alerts, caller.company_id, std::move(items), std::move(answer),
                         NameFailures(req.request_id, std::move(names)));
    }
    if (!req.respond_later)
      return PagerDutyFollowUp(s, caller.company_id, e, caller.rate_headers, req.request_id);
    auto respond = std::move(req.respond_later);
    req.run_blocking([s, company_id = caller.company_id, e = std::move(e), headers = caller.rate_headers,
                      respond, request_id = req.request_id] {
      try {
        respond(PagerDutyFollowUp(s, company_id, e, headers, request_id));
      } catch (...) {
        respond(ResponseForException(std::current_exception(), request_id));
      }
    });
    return Response::Deferred();
  };
}

}  // namespace

void RegisterIntakeRoutes(Router& router, const Services& s) {
  auto add = [&router, &s](const char* pattern, Handler h) {
    if (s.alerts->pipelined()) {
      router.AddInline("POST", pattern, std::move(h));  // as /api/webhooks/alerts
    } else {
      AddRoute(router, s, "POST", pattern, std::move(h));  // not audited (IsApiKeyRoute)
    }
  };
  add("/api/webhooks/alertmanager", ToolRoute(
                                        s,
                                        [](const json& b, const ci::IntakeMapping& m, int64_t) {
                                          return ci::AdaptAlertmanagerWebhook(b, m);
                                        },
                                        200));
  add("/api/v2/alerts", ToolRoute(
                            s,
                            [](const json& b, const ci::IntakeMapping& m, int64_t now) {
                              return ci::AdaptAlertmanagerApiV2(b, m, now);
                            },
                            200));
  add("/api/webhooks/grafana",
      ToolRoute(
          s, [](const json& b, const ci::IntakeMapping& m, int64_t) { return ci::AdaptGrafana(b, m); }, 202));
  add("/api/webhooks/datadog",
      ToolRoute(
          s, [](const json& b, const ci::IntakeMapping& m, int64_t) { return ci::AdaptDatadog(b, m); }, 202));
  add("/api/webhooks/zabbix",
      ToolRoute(
          s, [](const json& b, const ci::IntakeMapping& m, int64_t) { return ci::AdaptZabbix(b, m); }, 202));
  add("/api/webhooks/pagerduty", PagerDutyRoute(s));
  add("/v2/enqueue", PagerDutyRoute(s));

  // The company's mapping: its admins (and MSP admins) read and change it.
  auto* auth = s.auth;
  auto* companies = s.companies;
  auto* intake = s.tool_intake;
  auto admin_of = [auth, companies](Request& req) { return RequireCompanyAdminUser(req, *auth, companies); };
  AddRoute(router, s, "GET", "/api/companies/{id}/intake-mapping", [admin_of, intake](Request& req) {
    admin_of(req);
    return Response::Json(200, intake->MappingView(req.PathParam("id")));
  });
  AddRoute(router, s, "PUT", "/api/companies/{id}/intake-mapping",
           Audit{"intake_mapping_updated", "intake_mapping"}, [admin_of, intake](Request& req) {
             admin_of(req);
             return Response::Json(200, intake->PutMapping(req.PathParam("id"), ParseJsonObject(req)));
           });
}

}  // namespace aw::http
