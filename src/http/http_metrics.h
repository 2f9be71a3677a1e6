#pragma once

// The HTTP and intake metrics (docs/operations.md, "Metrics"): request
// latency and answers by route pattern and method, and intake outcomes by
// company. Every label is bounded: routes are the router's patterns (or
// "other"), methods the standard ones (or "other"), companies come from
// the company registry (an unknown API key is "unknown"), causes are the
// error codes of the code base. Lock-free and allocation-free once a label
// set has been seen (base/metrics.h). Thread-safe.

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "http/request.h"
#include "services/intake/alert_service.h"

namespace aw::http {

// One answered request (the access log's line): `status` 101 is a WebSocket
// upgrade. An alert intake route (IsIntakeRoute) answered with an error
// counts as an intake rejection of the company the request authenticated as
// (Request::audit.company_id), with the answer's error code as the cause.
void ObserveRequest(const Request& req, unsigned status, std::string_view error_code, double seconds);

// One alert taken by the intake, by outcome: "accepted", "repeat" or "suppressed".
void ObserveIntakeAlert(const std::string& company_id, const services::IngestResult& r);
// One intake payload of `alerts` alerts: the time from parsed to all of
// them durable (or failed).
void ObserveIntakeBatch(size_t alerts, double seconds);

// One live-event frame written to a WebSocket client.
void ObserveWsFrameSent();

// Routes that take alerts (the rejections are counted): the webhooks and
// the tools' receivers, not heartbeat pings.
bool IsIntakeRoute(std::string_view pattern);

// The text exposition of the process's registry (GET /metrics).
Response MetricsResponse();

}  // namespace aw::http
