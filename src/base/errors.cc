#include "base/errors.h"

namespace aw {

void ThrowIfError(const Status& status, const std::string& what) {
  switch (status.code()) {
    case Code::kOk:
      return;
    case Code::kNotFound:
      ThrowNotFound(what);
    case Code::kConditionFailed:
      Throw(ErrorKind::kConflict, "conflict", what + " was changed concurrently; reload and retry");
    case Code::kAlreadyExists:
      Throw(ErrorKind::kConflict, "already_exists", what + " already exists");
    case Code::kInvalidArgument:
      Throw(ErrorKind::kUnprocessable, "invalid_argument", status.message());
    case Code::kThrottled:
      Throw(ErrorKind::kUnavailable, "store_throttled",
            "the data store is throttling requests; retry after the indicated delay", 1);
    case Code::kUnavailable:
      Throw(ErrorKind::kUnavailable, "store_unavailable", "the data store is unavailable; retry shortly", 2);
    case Code::kUnauthenticated:
    case Code::kInternal:
      break;
  }
  throw ApiError(ErrorKind::kInternal, "internal_error", "internal error: " + status.ToString());
}

}  // namespace aw
