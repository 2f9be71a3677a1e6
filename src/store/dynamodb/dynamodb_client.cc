#include "store/dynamodb/dynamodb_client.h"

#include <chrono>
#include <random>
#include <thread>

#include <spdlog/spdlog.h>

#include "base/clock.h"
#include "base/utf8.h"

namespace aw::store::dynamodb {

const std::array<const char*, 23>& CountedOperations() {
  static const std::array<const char*, 23> ops = {
      "GetItem",         "PutItem",          "DeleteItem",          "UpdateItem",
      "Query",           "Scan",             "BatchGetItem",        "BatchWriteItem",
      "CreateTable",     "DescribeTable",    "UpdateTable",         "DeleteTable",
      "ListTables",      "UpdateTimeToLive", "DescribeTimeToLive",  "UpdateContinuousBackups",
      "DescribeContinuousBackups", "TransactWriteItems", "TransactGetItems", "TagResource",
      "ListTagsOfResource", "DescribeLimits", "DescribeEndpoints"};
  return ops;
}

namespace {

bool Contains(const std::string& s, const char* part) { return s.find(part) != std::string::npos; }

}  // namespace

Status MapError(int http_status, const std::string& type, const std::string& message, bool* retryable,
                bool* throttle) {
  *retryable = false;
  *throttle = false;
  std::string text = type.empty() ? message : type + ": " + message;
  if (Contains(type, "ProvisionedThroughputExceeded") || Contains(type, "ThrottlingException") ||
      Contains(type, "RequestLimitExceeded") || Contains(type, "Throttling")) {
    *retryable = true;
    *throttle = true;
    return Status::Throttled("DynamoDB is throttling requests (" + text + ")");
  }
  if (Contains(type, "ConditionalCheckFailed")) return Status::ConditionFailed(text);
  if (Contains(type, "ResourceNotFound")) return Status::NotFound(text);
  if (Contains(type, "ResourceInUse")) return Status::AlreadyExists(text);
  if (Contains(type, "ValidationException") || Contains(type, "SerializationException") ||
      Contains(type, "ItemCollectionSizeLimitExceeded")) {
    return Status::InvalidArgument(text);
  }
  if (Contains(type, "UnrecognizedClient") || Contains(type, "InvalidSignature") ||
      Contains(type, "MissingAuthenticationToken") || Contains(type, "AccessDenied") ||
      Contains(type, "ExpiredToken") || Contains(type, "IncompleteSignature") || http_status == 403) {
    return Status::Unauthenticated("DynamoDB rejected the credentials (" + text +
                                   "); check AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY and AWS_SESSION_TOKEN");
  }
  if (http_status >= 500 || Contains(type, "InternalServerError") || Contains(type, "ServiceUnavailable")) {
    *retryable = true;
    return Status::Unavailable("DynamoDB answered HTTP " + std::to_string(http_status) + " (" + text + ")");
  }
  return Status::Internal("DynamoDB answered HTTP " + std::to_string(http_status) + " (" + text + ")");
}

Status StatusFromErrorAnswer(int http_status, const Json& answer, const std::string& body, bool* retryable,
                            bool* throttle) {
  std::string type, message;
  if (answer.is_object()) {
    if (auto t = answer.find("__type"); t != answer.end() && t->is_string()) type = *t;
    for (const char* m : {"message", "Message"}) {
      if (auto it = answer.find(m); it != answer.end() && it->is_string()) message = *it;
    }
  }
  if (auto hash = type.rfind('#'); hash != std::string::npos) type = type.substr(hash + 1);
  if (message.empty() && !answer.is_object()) message = std::string(Utf8Prefix(body, 200));
  return MapError(http_status, type, message, retryable, throttle);
}

DynamoClient::DynamoClient(ClientOptions options, const clients::HttpClient* http)
    : options_(std::move(options)), http_(http != nullptr ? http : clients::HttpClient::Default()) {
  endpoint_ = options_.endpoint.empty() ? "https://dynamodb." + options_.region + ".amazonaws.com"
                                        : options_.endpoint;
  while (!endpoint_.empty() && endpoint_.back() == '/') endpoint_.pop_back();
  if (!clients::ParseUrl(endpoint_ + "/", &url_)) {
    spdlog::error("DYNAMODB_ENDPOINT '{}' is not an http(s) URL", endpoint_);
  }
  for (auto& c : counts_) c = 0;
}

size_t DynamoClient::Slot(const std::string& op) const {
  const auto& ops = CountedOperations();
  for (size_t i = 0; i < ops.size(); ++i) {
    if (op == ops[i]) return i;
  }
  return kOpSlots - 1;
}

Json StatsJson(const CallStats& stats) {
  Json calls = Json::object();
  for (const auto& [op, n] : stats.calls) calls[op] = n;
  return {{"calls", std::move(calls)}, {"retries", stats.retries}, {"throttled", stats.throttled}};
}

CallStats DynamoClient::Stats() const {
  CallStats s;
  const auto& ops = CountedOperations();
  for (size_t i = 0; i < ops.size(); ++i) {
    if (uint64_t n = counts_[i].load()) s.calls[ops[i]] = n;
  }
  if (uint64_t n = counts_[kOpSlots - 1].load()) s.calls["Other"] = n;
  s.retries = retries_.load();
  s.throttled = throttled_.load();
  return s;
}

void DynamoClient::Backoff(int attempt) const {
  thread_local std::mt19937 rng{std::random_device{}()};
  int64_t cap = options_.base_backoff_ms;
  for (int i = 0; i < attempt && cap < options_.max_backoff_ms; ++i) cap *= 2;
  if (cap > options_.max_backoff_ms) cap = options_.max_backoff_ms;
  std::uniform_int_distribution<int64_t> d(0, cap);
  std::this_thread::sleep_for(std::chrono::milliseconds(d(rng)));
}

Result<Json> DynamoClient::Call(const std::string& op, const Json& body) const {
  if (url_.host.empty()) {
    return Status::InvalidArgument("setting DYNAMODB_ENDPOINT=\"" + endpoint_ + "\" is not an http(s) URL");
  }
  const std::string payload = body.dump(-1, ' ', false, Json::error_handler_t::replace);
  Status last;
  for (int attempt = 0; attempt < options_.max_attempts; ++attempt) {
    if (attempt > 0) {
      retries_.fetch_add(1);
      Backoff(attempt - 1);
    }
    counts_[Slot(op)].fetch_add(1);
    // Signed anew each attempt: a signature is valid for a few minutes only.
    int64_t now = SystemClock::Default()->NowSeconds();
    clients::SigV4Request sreq;
    sreq.method = "POST";
    sreq.path = url_.path;
    sreq.headers = {{"Host", url_.host_header},
                    {"Content-Type", "application/x-amz-json-1.0"},
                    {"X-Amz-Date", clients::AmzDate(now)},
                    {"X-Amz-Target", "DynamoDB_20120810." + op}};
    if (!options_.credentials.session_token.empty()) {
      sreq.headers.emplace_back("X-Amz-Security-Token", options_.credentials.session_token);
    }
    sreq.body = payload;
    auto sig = clients::SignV4(sreq, options_.credentials, options_.region, "dynamodb", now);
    clients::HttpRequest hreq;
    hreq.method = "POST";
    hreq.url = endpoint_ + "/";
    hreq.headers = sreq.headers;
    hreq.headers.emplace_back("Authorization", sig.authorization);
    hreq.body = payload;
    hreq.timeout_ms = options_.timeout_ms;
    auto resp = http_->Send(hreq);
    if (!resp.ok()) {
      last = Status::Unavailable("cannot reach DynamoDB at " + endpoint_ + " (" + resp.status().message() +
                                 "); check DYNAMODB_ENDPOINT / AWS_REGION and the network");
      continue;
    }
    Json answer = Json::parse(resp->body, nullptr, /*allow_exceptions=*/false);
    if (resp->status == 200) {
      if (answer.is_discarded() || !answer.is_object()) {
        last = Status::Unavailable("DynamoDB at " + endpoint_ + " answered " + op + " with a body that is not JSON");
        continue;
      }
      return answer;
    }
    bool retryable = false, throttle = false;
    Status s = StatusFromErrorAnswer(resp->status, answer, resp->body, &retryable, &throttle);
    if (throttle) throttled_.fetch_add(1);
    if (!retryable) return s;
    last = s;
  }
  spdlog::warn("DynamoDB {} failed after {} attempts: {}", op, options_.max_attempts, last.ToString());
  return last;
}

}  // namespace aw::store::dynamodb
