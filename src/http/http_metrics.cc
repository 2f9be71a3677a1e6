#include "http/http_metrics.h"

#include "base/metrics.h"

namespace aw::http {

namespace {

using metrics::Registry;

struct HttpFamilies {
  metrics::Family<metrics::Histogram>& duration = Registry::Default().Histograms(
      "aw_http_request_duration_seconds",
      "Time from a request's first byte to its answer being queued for writing, by route pattern and method.",
      &metrics::LatencyBuckets(), {"method", "route"});
  metrics::Family<metrics::Counter>& responses = Registry::Default().Counters(
      "aw_http_responses_total", "HTTP answers by route pattern, method and status code.",
      {"method", "route", "code"}, 4096);
  metrics::Family<metrics::Counter>& intake = Registry::Default().Counters(
      "aw_intake_alerts_total",
      "Alerts taken by the webhook intake, by company and outcome (accepted, repeat, suppressed).",
      {"company", "outcome"}, 4096);
  metrics::Family<metrics::Counter>& rejected = Registry::Default().Counters(
      "aw_intake_rejected_total",
      "Intake requests refused, by company (unknown: no valid API key) and cause (the error code).",
      {"company", "cause"}, 4096);
  metrics::Histogram& batch = Registry::Default()
                                  .Histograms("aw_intake_duration_seconds",
                                              "Time from a parsed intake payload to all its alerts durable.",
                                              &metrics::LatencyBuckets())
                                  .With({});
  metrics::Counter& ws_frames =
      Registry::Default()
          .Counters("aw_websocket_frames_sent_total", "Live-event frames written to WebSocket clients.")
          .With({});
  metrics::Histogram& batch_size =
      Registry::Default()
          .Histograms("aw_intake_payload_alerts", "Alerts per intake payload.", &metrics::SizeBuckets())
          .With({});
};

HttpFamilies& Families() {
  static HttpFamilies* f = new HttpFamilies();  // never destroyed: observed until exit
  return *f;
}

std::string_view BoundedMethod(std::string_view m) {
  for (std::string_view known : {"GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"}) {
    if (m == known) return known;
  }
  return "other";
}

}  // namespace

void ObserveWsFrameSent() { Families().ws_frames.Inc(); }

bool IsIntakeRoute(std::string_view pattern) {
  return pattern.rfind("/api/webhooks/", 0) == 0 || pattern == "/api/v2/alerts" || pattern == "/v2/enqueue";
}

void ObserveRequest(const Request& req, unsigned status, std::string_view error_code, double seconds) {
  HttpFamilies& f = Families();
  const std::string_view method = BoundedMethod(req.method);
  const std::string_view route = status == 101       ? std::string_view("/ws")
                                 : req.route.empty() ? "other"
                                                     : req.route;
  f.duration.With({method, route}).Observe(seconds);
  char code[4] = {'0', '0', '0', 0};
  if (status >= 100 && status <= 999) {
    code[0] = static_cast<char>('0' + status / 100);
    code[1] = static_cast<char>('0' + status / 10 % 10);
    code[2] = static_cast<char>('0' + status % 10);
  }
  f.responses.With({method, route, std::string_view(code, 3)}).Inc();
  // Refused before routing (413, 431, 400 by the server): by the path.
  std::string_view intake_path = req.route;
  if (intake_path.empty()) intake_path = std::string_view(req.target).substr(0, req.target.find('?'));
  if (status >= 400 && IsIntakeRoute(intake_path)) {
    const std::string& company = req.audit.company_id;
    const std::string fallback = error_code.empty() ? "http_" + std::string(code, 3) : std::string();
    f.rejected
        .With({company.empty() ? std::string_view("unknown") : std::string_view(company),
               error_code.empty() ? std::string_view(fallback) : error_code})
        .Inc();
  }
}

void ObserveIntakeAlert(const std::string& company_id, const services::IngestResult& r) {
  const char* outcome = r.duplicate ? "repeat" : !r.suppressed.empty() ? "suppressed" : "accepted";
  Families().intake.With({company_id, outcome}).Inc();
}

void ObserveIntakeBatch(size_t alerts, double seconds) {
  Families().batch.Observe(seconds);
  Families().batch_size.Observe(static_cast<double>(alerts));
}

Response MetricsResponse() {
  Response r;
  r.status = 200;
  r.content_type = "text/plain; version=0.0.4; charset=utf-8";
  r.body = Registry::Default().Expose();
  return r;
}

}  // namespace aw::http
