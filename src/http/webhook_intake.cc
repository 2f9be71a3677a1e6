#include "http/webhook_intake.h"

#include <chrono>
#include <memory>
#include <mutex>

#include "base/errors.h"
#include "http/http_metrics.h"

namespace aw::http {

bool IsApiKeyRoute(const std::string& pattern) {
  return pattern.rfind("/api/webhooks/", 0) == 0 || pattern == "/api/v2/alerts" || pattern == "/v2/enqueue" ||
         pattern == "/api/heartbeats/{heartbeat_id}/ping";
}

WebhookCaller AuthenticateWebhook(const Request& req, const Services& s, const WebhookAuthOptions& o) {
  std::string key = o.key_from_body;
  if (key.empty()) key = std::string(req.Header("X-API-Key"));
  if (key.empty()) key = req.QueryParam("api_key").value_or("");
  if (key.empty() && o.allow_bearer) {
    std::string_view auth = req.Header("Authorization");
    if (auth.size() > 7 && EqualsIgnoreCase(auth.substr(0, 7), "Bearer ")) key = std::string(auth.substr(7));
  }
  if (key.empty()) {
    Throw(ErrorKind::kUnauthenticated, "missing_api_key",
          o.allow_bearer ? "an API key is required: pass ?api_key=..., the X-API-Key header or "
                           "Authorization: Bearer <api_key>"
                         : "an API key is required: pass ?api_key=... or the X-API-Key header");
  }
  WebhookCaller c;
  c.company_id = s.companies->CompanyIdForApiKey(key);
  if (c.company_id.empty()) Throw(ErrorKind::kUnauthenticated, "invalid_api_key", "the API key is not valid");
  req.audit.company_id = c.company_id;  // whose rejection a later refusal is (http/http_metrics.h)
  // Signature first: nothing below answers an unauthenticated request.
  if (o.verify_hmac) {
    c.signed_delivery =
        s.webhook_security->Verify(c.company_id, req.Header("X-Signature"), req.Header("X-Timestamp"), req.body);
  }
  c.rate_headers = s.rate_limiter->Take(c.company_id);
  return c;
}

namespace {

// Collects the outcomes of a batch answered later; the last one answers.
struct Batch {
  std::mutex mu;
  size_t pending = 0;
  std::vector<services::IngestResult> results;
  std::vector<std::exception_ptr> errors;
  std::function<void(Response)> respond;
  BatchAnswer answer;
  BatchFailure failure;
  std::string company_id;
  std::chrono::steady_clock::time_point start = std::chrono::steady_clock::now();

  void Done(size_t i, services::IngestResult&& r, std::exception_ptr e) {
    {
      std::lock_guard<std::mutex> lock(mu);
      results[i] = std::move(r);
      errors[i] = e;
      if (--pending != 0) return;
    }
    respond(Finish());
  }

  Response Finish() {
    ObserveIntakeBatch(results.size(),
                       std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
    for (size_t i = 0; i < results.size(); ++i) {
      if (!errors[i]) ObserveIntakeAlert(company_id, results[i]);
    }
    for (size_t i = 0; i < errors.size(); ++i) {
      if (errors[i]) return failure(i, errors[i]);
    }
    try {
      return answer(results);
    } catch (...) {
      return failure(0, std::current_exception());
    }
  }
};

}  // namespace

Response IngestBatch(Request& req, services::AlertService* alerts, const std::string& company_id,
                     std::vector<BatchItem> items, BatchAnswer answer, BatchFailure failure) {
  auto batch = std::make_shared<Batch>();
  batch->results.resize(items.size());
  batch->errors.resize(items.size());
  batch->answer = std::move(answer);
  batch->failure = std::move(failure);
  batch->company_id = company_id;
  if (!req.respond_later || items.empty()) {
    // A worker thread: each alert in turn (all of them, so a retry of the
    // payload finds the others as repeats).
    for (size_t i = 0; i < items.size(); ++i) {
      try {
        batch->results[i] = alerts->Ingest(company_id, items[i].in, items[i].delivery_id);
      } catch (...) {
        batch->errors[i] = std::current_exception();
      }
    }
    return batch->Finish();
  }
  // The network thread (embedded store): nothing here may block.
  batch->respond = std::move(req.respond_later);
  batch->pending = items.size();
  auto blocking = std::make_shared<std::vector<std::pair<size_t, BatchItem>>>();
  for (size_t i = 0; i < items.size(); ++i) {
    try {
      if (alerts->IngestAsync(company_id, items[i].in, items[i].delivery_id,
                              [batch, i](services::IngestResult&& r, std::exception_ptr e) {
                                batch->Done(i, std::move(r), e);
                              })) {
        continue;
      }
      blocking->emplace_back(i, std::move(items[i]));
    } catch (...) {
      batch->Done(i, services::IngestResult{}, std::current_exception());
    }
  }
  if (!blocking->empty()) {
    req.run_blocking([alerts, company_id, batch, blocking] {
      for (auto& [i, item] : *blocking) {
        try {
          batch->Done(i, alerts->Ingest(company_id, item.in, item.delivery_id), nullptr);
        } catch (...) {
          batch->Done(i, services::IngestResult{}, std::current_exception());
        }
      }
    });
  }
  return Response::Deferred();
}

}  // namespace aw::http
