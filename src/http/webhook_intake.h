#pragma once

// The steps every webhook route shares (docs/correlation.md, "Every webhook
// goes through these steps"): the native POST /api/webhooks/alerts and the
// monitoring-tool receivers of routes_intake.cc.
//
// AuthenticateWebhook: API key -> company (401 missing_api_key /
// invalid_api_key), the HMAC signature where the company enabled signing
// (401), the company's rate limit (429). One request takes one token,
// however many alerts it carries (the limit counts requests; a payload holds
// at most core::intake::kMaxAlertsPerPayload alerts).
//
// IngestBatch: hands N alerts to AlertService and answers once all are
// durable. On an inline route (embedded store: Request::respond_later set)
// active alerts go through IngestAsync and resolved ones through the
// blocking Ingest on one worker job; elsewhere (DynamoDB) each is ingested
// in turn on the calling worker. A sender never hears 2xx for an alert that
// was not written.

#include <cstddef>
#include <functional>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "http/api.h"
#include "http/request.h"
#include "services/intake/alert_service.h"

namespace aw::http {

struct WebhookAuthOptions {
  // Also take the key from "Authorization: Bearer <api_key>" (what
  // Prometheus, Alertmanager and Grafana send from their http_config).
  bool allow_bearer = false;
  // A key the payload carried (PagerDuty's routing_key); wins when set.
  std::string key_from_body;
  // Check the company's HMAC signature where it enabled signing. Off only
  // for senders that sign with their own scheme instead (Amazon SNS).
  bool verify_hmac = true;
};

struct WebhookCaller {
  std::string company_id;
  std::vector<std::pair<std::string, std::string>> rate_headers;  // X-RateLimit-*, for the answer
  // Set when the request was signed (the company enabled HMAC): what a
  // replay of it would present again (services/webhook_replay.h).
  std::optional<services::SignedDelivery> signed_delivery;
};

// Routes authenticated by a company API key instead of a user's token: the
// webhooks (/api/webhooks/...), Alertmanager's /api/v2/alerts and
// PagerDuty's /v2/enqueue, and heartbeat pings. Not audited (like the native webhook); the
// OpenAPI document names their key schemes.
bool IsApiKeyRoute(const std::string& pattern);

WebhookCaller AuthenticateWebhook(const Request& req, const Services& s, const WebhookAuthOptions& o = {});

struct BatchItem {
  services::AlertInput in;
  std::string delivery_id;
};

// Builds the success response from the results (one per item, in order).
using BatchAnswer = std::function<Response(std::vector<services::IngestResult>&)>;
// Builds the failure response of item i from its exception; the response of
// the first item that failed is sent.
using BatchFailure = std::function<Response(size_t i, std::exception_ptr e)>;

// Returns the response, or Response::Deferred() when it answers later
// through req.respond_later.
Response IngestBatch(Request& req, services::AlertService* alerts, const std::string& company_id,
                     std::vector<BatchItem> items, BatchAnswer answer, BatchFailure failure);

}  // namespace aw::http
