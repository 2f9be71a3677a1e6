#include "base/status.h"

namespace aw {

const char* CodeName(Code code) {
  switch (code) {
    case Code::kOk: return "OK";
    case Code::kNotFound: return "NotFound";
    case Code::kConditionFailed: return "ConditionFailed";
    case Code::kInvalidArgument: return "InvalidArgument";
    case Code::kAlreadyExists: return "AlreadyExists";
    case Code::kThrottled: return "Throttled";
    case Code::kUnavailable: return "Unavailable";
    case Code::kUnauthenticated: return "Unauthenticated";
    case Code::kInternal: return "Internal";
  }
  return "Unknown";
}

std::string Status::ToString() const {
  if (ok()) return "OK";
  return std::string(CodeName(code_)) + ": " + message_;
}

}  // namespace aw
