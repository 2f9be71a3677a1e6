#pragma once

// Typed errors that end a request (DuckDB / userver style). Services throw
// them; http/ maps each kind to a status code in exactly one place
// (http/error_mapping.cc). Expected outcomes inside the store are Status
// values instead; services turn a Status into an ApiError with ThrowIfError.

#include <cstdint>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "base/status.h"

namespace aw {

enum class ErrorKind {
  kBadRequest,       // 400: malformed request (bad JSON, bad query parameter)
  kUnauthenticated,  // 401
  kForbidden,        // 403
  kNotFound,         // 404
  kConflict,         // 409: stale version, illegal transition, already exists
  kPayloadTooLarge,  // 413
  kUnprocessable,    // 422: well-formed but invalid field values
  kTooManyRequests,  // 429 (retry_after_seconds set)
  kUnavailable,      // 503 (retry_after_seconds set)
  kInternal,         // 500: a bug or an unexpected backend failure
};

class ApiError : public std::runtime_error {
 public:
  ApiError(ErrorKind kind, std::string code, std::string detail, int retry_after_seconds = 0)
      : std::runtime_error(detail), kind_(kind), code_(std::move(code)), retry_after_(retry_after_seconds) {}

  ErrorKind kind() const { return kind_; }
  // Machine-readable code, e.g. "invalid_credentials".
  const std::string& code() const { return code_; }
  // Human sentence; never contains a secret.
  std::string detail() const { return what(); }
  int retry_after_seconds() const { return retry_after_; }
  // Extra response headers (e.g. X-RateLimit-*); never secrets.
  const std::vector<std::pair<std::string, std::string>>& headers() const { return headers_; }
  ApiError& WithHeader(std::string name, std::string value) {
    headers_.emplace_back(std::move(name), std::move(value));
    return *this;
  }

 private:
  ErrorKind kind_;
  std::string code_;
  int retry_after_;
  std::vector<std::pair<std::string, std::string>> headers_;
};

[[noreturn]] inline void Throw(ErrorKind kind, std::string code, std::string detail, int retry_after = 0) {
  throw ApiError(kind, std::move(code), std::move(detail), retry_after);
}
[[noreturn]] inline void ThrowNotFound(const std::string& what) {
  Throw(ErrorKind::kNotFound, "not_found", what + " not found");
}
[[noreturn]] inline void ThrowForbidden(std::string detail) {
  Throw(ErrorKind::kForbidden, "forbidden", std::move(detail));
}
// 422 naming the field: {"detail": "<field>: <problem>", "code": "validation_error"}.
[[noreturn]] inline void ThrowInvalidField(const std::string& field, const std::string& problem) {
  Throw(ErrorKind::kUnprocessable, "validation_error", field + ": " + problem);
}

// Maps a non-OK store Status onto an ApiError: kNotFound -> 404 (naming
// `what`), kConditionFailed -> 409, kThrottled/kUnavailable -> 503 with
// Retry-After, kInvalidArgument -> 422, anything else -> 500 (message logged,
// not shown). Does nothing for OK.
void ThrowIfError(const Status& status, const std::string& what = "item");

}  // namespace aw
