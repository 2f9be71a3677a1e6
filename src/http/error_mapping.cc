#include "http/error_mapping.h"

#include <string>

#include <nlohmann/json.hpp>
#include <spdlog/spdlog.h>

namespace aw::http {
namespace {

// nlohmann's what() starts with "[json.exception.type_error.302] ".
std::string_view StripJsonPrefix(std::string_view what) {
  if (!what.empty() && what.front() == '[') {
    size_t close = what.find("] ");
    if (close != std::string_view::npos) return what.substr(close + 2);
  }
  return what;
}

}  // namespace

unsigned StatusForKind(ErrorKind kind) {
  switch (kind) {
    case ErrorKind::kBadRequest: return 400;
    case ErrorKind::kUnauthenticated: return 401;
    case ErrorKind::kForbidden: return 403;
    case ErrorKind::kNotFound: return 404;
    case ErrorKind::kConflict: return 409;
    case ErrorKind::kPayloadTooLarge: return 413;
    case ErrorKind::kUnprocessable: return 422;
    case ErrorKind::kTooManyRequests: return 429;
    case ErrorKind::kUnavailable: return 503;
    case ErrorKind::kInternal: return 500;
  }
  return 500;
}

Response ErrorResponse(unsigned status, std::string_view code, std::string_view detail) {
  Response r = Response::Json(status, nlohmann::json{{"detail", detail}, {"code", code}});
  r.error_code = code;
  return r;
}

Response ResponseForApiError(const ApiError& e, std::string_view request_id) {
  unsigned status = StatusForKind(e.kind());
  if (status == 500) {
    spdlog::error("request {}: internal error ({}): {}", request_id, e.code(), e.what());
    return ErrorResponse(500, e.code().empty() ? "internal_error" : e.code(), "internal error");
  }
  Response r = ErrorResponse(status, e.code(), e.what());
  for (const auto& h : e.headers()) r.headers.push_back(h);
  if ((status == 429 || status == 503) && e.retry_after_seconds() > 0) {
    r.headers.emplace_back("Retry-After", std::to_string(e.retry_after_seconds()));
  }
  return r;
}

Response ResponseForException(std::exception_ptr error, std::string_view request_id) {
  try {
    try {
      std::rethrow_exception(error);
    } catch (const ApiError& e) {
      return ResponseForApiError(e, request_id);
    } catch (const nlohmann::json::exception& e) {
      spdlog::warn("request {}: JSON error escaped a handler: {}", request_id, e.what());
      return ErrorResponse(400, "bad_request", "invalid request: " + std::string(StripJsonPrefix(e.what())));
    } catch (const std::exception& e) {
      spdlog::error("request {}: unhandled exception: {}", request_id, e.what());
    } catch (...) {
      spdlog::error("request {}: unhandled non-standard exception", request_id);
    }
  } catch (...) {
    // Logging or formatting itself failed; still answer.
  }
  Response r;
  r.status = 500;
  r.body = R"({"detail":"internal error","code":"internal_error"})";
  return r;
}

}  // namespace aw::http
