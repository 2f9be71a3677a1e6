#pragma once

// DynamoClient: one DynamoDB JSON-protocol call = one method call.
//
// Each call is a POST of `application/x-amz-json-1.0` with
// `X-Amz-Target: DynamoDB_20120810.<Op>`, signed with SigV4 (service
// "dynamodb"), sent through clients::HttpClient (keep-alive pool).
//
// Retries: throttling (ProvisionedThroughputExceededException,
// ThrottlingException, RequestLimitExceeded), 5xx answers and transport
// failures are retried with capped exponential backoff and full jitter, up to
// max_attempts; then the call fails with kThrottled / kUnavailable.
//
// Errors: DynamoDB's error types map onto Status codes
// (ConditionalCheckFailedException -> kConditionFailed,
// ResourceNotFoundException -> kNotFound, ValidationException ->
// kInvalidArgument, ResourceInUseException -> kAlreadyExists, rejected or
// missing credentials -> kUnauthenticated, anything else -> kInternal); the
// message keeps DynamoDB's own text and type name.
//
// Thread-safe. Counts calls by operation (Stats), for tests and docs.

#include <array>
#include <atomic>
#include <cstdint>
#include <map>
#include <string>

#include "base/status.h"
#include "clients/http_client.h"
#include "clients/sigv4.h"
#include "store/dynamodb/attribute_value.h"

namespace aw::store::dynamodb {

struct ClientOptions {
  // "https://dynamodb.<region>.amazonaws.com" when empty.
  std::string endpoint;
  std::string region = "us-east-1";
  clients::SigV4Credentials credentials;
  int max_attempts = 10;
  int base_backoff_ms = 25;
  int max_backoff_ms = 2000;
  int timeout_ms = 10000;
};

// Calls made, by operation, since the client was created.
struct CallStats {
  std::map<std::string, uint64_t> calls;  // "PutItem" -> n (each HTTP request counts)
  uint64_t retries = 0;
  uint64_t throttled = 0;  // answers that asked us to slow down
};

// A non-200 answer as a Status (the mapping above): DynamoDB's "__type"
// (after its last '#') and "message"/"Message" of `answer` (the parsed
// `body`, discarded when it was not JSON; then the body's first 200 bytes
// are the message). Sets *retryable and *throttle. Pure; fuzzed by
// tests/fuzz/dynamodb_fuzz.cc.
Status StatusFromErrorAnswer(int http_status, const Json& answer, const std::string& body, bool* retryable,
                            bool* throttle);

class DynamoClient {
 public:
  // `http`: nullptr for HttpClient::Default(). REQUIRES: outlives the client.
  explicit DynamoClient(ClientOptions options, const clients::HttpClient* http = nullptr);

  // Calls operation `op` ("PutItem") with `body`; the parsed answer on 200.
  Result<Json> Call(const std::string& op, const Json& body) const;

  const ClientOptions& options() const { return options_; }
  const std::string& endpoint() const { return endpoint_; }
  CallStats Stats() const;

  // Sleeps the backoff of retry number `attempt` (0-based): a random time
  // in [0, min(max, base * 2^attempt)] ms.
  void Backoff(int attempt) const;

 private:
  static constexpr size_t kOpSlots = 24;
  size_t Slot(const std::string& op) const;

  ClientOptions options_;
  std::string endpoint_;
  clients::UrlParts url_;
  const clients::HttpClient* http_;
  mutable std::array<std::atomic<uint64_t>, kOpSlots> counts_{};
  mutable std::atomic<uint64_t> retries_{0};
  mutable std::atomic<uint64_t> throttled_{0};
};

// {"calls": {"PutItem": n, ...}, "retries": n, "throttled": n}.
Json StatsJson(const CallStats& stats);

// The operations counted by name (any other counts as "Other").
const std::array<const char*, 23>& CountedOperations();

// Maps one DynamoDB error answer (HTTP status, __type, message) to a Status;
// exposed for tests. `retryable` is set when the call may be retried.
Status MapError(int http_status, const std::string& type, const std::string& message, bool* retryable,
                bool* throttle);

}  // namespace aw::store::dynamodb
