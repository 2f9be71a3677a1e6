#pragma once

// The one place where errors become HTTP responses.
//
//   ApiError kind      status  body
//   kBadRequest        400     {"detail": <detail>, "code": <code>}
//   kUnauthenticated   401     same
//   kForbidden         403     same
//   kNotFound          404     same
//   kConflict          409     same
//   kPayloadTooLarge   413     same
//   kUnprocessable     422     same
//   kTooManyRequests   429     same, plus Retry-After when retry_after_seconds > 0
//   kUnavailable       503     same, plus Retry-After when retry_after_seconds > 0
//   kInternal          500     {"detail":"internal error","code":<code>}; detail logged only
//   nlohmann::json::exception  400 code "bad_request"
//   any other exception        500 {"detail":"internal error","code":"internal_error"};
//                              what() logged (spdlog, with the request id), never returned.
//
// Thread-safe (stateless).

#include <exception>
#include <string_view>

#include "base/errors.h"
#include "http/request.h"

namespace aw::http {

unsigned StatusForKind(ErrorKind kind);

// {"detail": detail, "code": code} with `status`.
Response ErrorResponse(unsigned status, std::string_view code, std::string_view detail);

// The mapped response for `e` (see table above).
Response ResponseForApiError(const ApiError& e, std::string_view request_id);

// Maps whatever `error` holds (see table above). Never throws.
Response ResponseForException(std::exception_ptr error, std::string_view request_id);

}  // namespace aw::http
