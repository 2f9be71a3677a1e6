#include "base/errors.h"

#include "base/error_ptr.h"

namespace aw {

ApiError ErrorFor(const Status& status, const std::string& what) {
  switch (status.code()) {
    case Code::kNotFound:
      return ApiError(ErrorKind::kNotFound, "not_found", what + " not found");
    case Code::kConditionFailed:
      return ApiError(ErrorKind::kConflict, "conflict", what + " was changed concurrently; reload and retry");
    case Code::kAlreadyExists:
      return ApiError(ErrorKind::kConflict, "already_exists", what + " already exists");
    case Code::kInvalidArgument:
      return ApiError(ErrorKind::kUnprocessable, "invalid_argument", status.message());
    case Code::kThrottled:
      return ApiError(ErrorKind::kUnavailable, "store_throttled",
                      "the data store is throttling requests; retry after the indicated delay", 1);
    case Code::kUnavailable:
      return ApiError(ErrorKind::kUnavailable, "store_unavailable", "the data store is unavailable; retry shortly",
                      2);
    case Code::kOk:  // REQUIRES says never; a 500 rather than a silent success
    case Code::kUnauthenticated:
    case Code::kInternal:
      break;
  }
  return ApiError(ErrorKind::kInternal, "internal_error", "internal error: " + status.ToString());
}

void ThrowIfError(const Status& status, const std::string& what) {
  if (!status.ok()) throw ErrorFor(status, what);
}

std::exception_ptr ErrorPtr(const Status& status, const std::string& what) {
  if (status.ok()) return nullptr;
  return ErrorPtr(ErrorFor(status, what));
}

}  // namespace aw
