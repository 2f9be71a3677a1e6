// POST /api/webhooks/cloudwatch: CloudWatch alarms through an Amazon SNS
// HTTPS subscription (docs/intake-cloudwatch.md).
//
// SNS can put a secret only in the endpoint URL, so the company's API key
// comes as ?api_key= (or X-API-Key). SNS signs every message itself, so the
// company's HMAC webhook signing does not apply here; the SNS signature is
// checked instead (services/sns_verifier.h) before anything else is read or
// written. Then the rate limit, then by message type:
//   SubscriptionConfirmation  GET SubscribeURL (only SNS's own host), 200
//                             once SNS accepted it; audited
//   Notification              the alarm -> one alert through the same
//                             intake as /api/webhooks/alerts (repeats,
//                             correlation, live events), 200 once durable
//   UnsubscribeConfirmation   logged and audited, 200
// The route runs on a worker thread (Router::Add), never on the network
// thread: the certificate fetch and the confirmation GET block.

#include <spdlog/spdlog.h>

#include <exception>
#include <future>

#include "base/errors.h"
#include "core/intake/cloudwatch.h"
#include "core/intake/sns_message.h"
#include "crypto/hash.h"
#include "http/api.h"
#include "http/error_mapping.h"
#include "http/http_metrics.h"
#include "http/json_body.h"
#include "http/webhook_intake.h"

namespace aw::http {

using nlohmann::json;

namespace {

namespace intake = core::intake;

[[noreturn]] void ThrowPayload(const intake::AdapterError& e) {
  Throw(ErrorKind::kBadRequest, "invalid_payload", e.message);
}

services::AlertInput ToAlertInput(const intake::ToolAlert& a, const intake::SnsMessage& m, size_t body_size) {
  services::AlertInput in = services::IntakeService::ToInput(a, body_size);
  json sns = {{"message_id", m.message_id}, {"topic_arn", m.topic_arn}};
  if (m.subject) sns["subject"] = *m.subject;
  in.metadata["sns"] = std::move(sns);
  return in;
}

// The delivery id: one state change of one alarm (AlarmArn|StateChangeTime),
// else the SNS MessageId, which SNS keeps on its retries.
std::string DeliveryId(const intake::ToolAlert& a, const intake::SnsMessage& m) {
  std::string id = a.repeat_key.empty() ? "sns:" + m.message_id : "cloudwatch:" + a.repeat_key;
  if (id.size() > 240) id = "cloudwatch:sha256:" + crypto::Sha256Hex(id);
  return id;
}

// Through the intake pipeline when there is one (so repeats are found by the
// same index as on /api/webhooks/alerts), waiting here: this route runs on a
// worker thread. Recoveries and the DynamoDB store take Ingest, as there.
services::IngestResult IngestAndWait(services::AlertService* alerts, const std::string& company_id,
                                     const services::AlertInput& in, const std::string& delivery_id) {
  std::promise<services::IngestResult> done;
  auto result = done.get_future();
  if (alerts->IngestAsync(company_id, in, delivery_id,
                          [&done](services::IngestResult&& r, std::exception_ptr e) {
                            if (e) {
                              done.set_exception(e);
                            } else {
                              done.set_value(std::move(r));
                            }
                          })) {
    return result.get();  // `done` is called exactly once
  }
  return alerts->Ingest(company_id, in, delivery_id);
}

struct Auditor {
  services::AuditService* audit;
  const Request& req;
  std::string company_id;

  void Record(const std::string& action, const intake::SnsMessage& m, const std::string& outcome, int status,
              json details = json::object()) const {
    if (audit == nullptr) return;
    services::AuditEntry e;
    e.company_id = company_id;
    e.action = action;
    e.resource_type = "sns_subscription";
    e.resource_id = m.topic_arn;
    details["topic_arn"] = m.topic_arn;
    details["message_id"] = m.message_id;
    details["type"] = m.type_name;
    e.details = std::move(details);
    e.ip = req.remote_ip;
    e.user_agent = std::string(req.Header("User-Agent"));
    e.outcome = outcome;
    e.status = status;
    e.request_id = req.request_id;
    audit->Record(e);
  }
};

}  // namespace

void RegisterCloudWatchRoutes(Router& router, const Services& s) {
  auto* alerts = s.alerts;
  auto* tool_intake = s.tool_intake;
  auto* sns = s.sns;
  auto* audit = s.audit;
  router.Add("POST", "/api/webhooks/cloudwatch", [=](Request& req) -> Response {
    // The API key names the company; SNS signs the message itself (below),
    // so the company's HMAC signing does not apply (docs/intake.md).
    WebhookAuthOptions key_only;
    key_only.verify_hmac = false;
    WebhookCaller caller = AuthenticateWebhook(req, s, key_only);
    const std::string& company_id = caller.company_id;
    // SNS sends JSON as text/plain: the Content-Type is not looked at.
    json body = ParseJsonObject(req);
    intake::SnsMessage m;
    if (auto e = intake::ParseSnsMessage(body, &m)) ThrowPayload(*e);
    if (auto h = req.Header("x-amz-sns-message-type"); !h.empty() && h != m.type_name) {
      Throw(ErrorKind::kBadRequest, "invalid_payload",
            "the x-amz-sns-message-type header (" + std::string(h) + ") does not match Type (" + m.type_name +
                ")");
    }
    const Auditor auditor{audit, req, company_id};
    try {
      sns->Verify(m);
    } catch (const ApiError& e) {
      if (e.kind() == ErrorKind::kForbidden) {
        auditor.Record("sns.message_refused", m, "denied", 403, {{"code", e.code()}, {"detail", e.detail()}});
      }
      throw;
    }
    auto with_limits = [&caller](Response r) {
      for (const auto& h : caller.rate_headers) r.headers.push_back(h);
      return r;
    };

    if (m.type == intake::SnsType::kSubscriptionConfirmation) {
      try {
        sns->ConfirmSubscription(m);
      } catch (const ApiError& e) {
        auditor.Record("sns.subscription_confirm_failed", m, "failure",
                       static_cast<int>(StatusForKind(e.kind())),
                       {{"code", e.code()}, {"detail", e.detail()}});
        throw;
      }
      auditor.Record("sns.subscription_confirmed", m, "success", 200);
      return with_limits(
          Response::Json(200, {{"message", "Subscription confirmed"}, {"topic_arn", m.topic_arn}}));
    }
    if (m.type == intake::SnsType::kUnsubscribeConfirmation) {
      spdlog::info("sns: company {} was unsubscribed from {}", company_id, m.topic_arn);
      auditor.Record("sns.unsubscribed", m, "success", 200);
      return with_limits(Response::Json(
          200, {{"message", "Unsubscribe confirmation received"}, {"topic_arn", m.topic_arn}}));
    }

    intake::AdapterResult adapted =
        intake::AdaptCloudWatchMessage(m.message, tool_intake->MappingFor(company_id));
    if (adapted.error) ThrowPayload(*adapted.error);
    if (adapted.alerts.empty()) {
      return with_limits(Response::Json(
          200, {{"message", "INSUFFICIENT_DATA is not an alert; nothing stored (docs/intake-cloudwatch.md)"},
                {"alert_id", nullptr},
                {"company_id", company_id}}));
    }
    intake::ToolAlert& alert = adapted.alerts.front();  // an alarm message holds one alarm
    const std::string delivery_id = DeliveryId(alert, m);
    services::IngestResult r =
        IngestAndWait(alerts, company_id, ToAlertInput(alert, m, req.body.size()), delivery_id);
    ObserveIntakeAlert(company_id, r);
    json out = {{"message", r.duplicate ? "Duplicate delivery; alert already received" : "Alert received"},
                {"alert_id", r.alert_id},
                {"company_id", r.company_id},
                {"duplicate", r.duplicate},
                {"delivery_attempts", r.delivery_attempts}};
    if (!r.incident_id.empty()) {
      out["incident_id"] = r.incident_id;
      out["incident_created"] = r.incident_created;
    }
    return with_limits(Response::Json(200, out));
  });
}

}  // namespace aw::http
