#pragma once

// ApiErrors as exception_ptr values, for callbacks that report a failure as
// an exception_ptr (intake's done callbacks, the webhook batch): build one
// directly instead of throwing and catching just to make one. Thread-safe
// (stateless).

#include <exception>
#include <string>
#include <utility>

#include "base/errors.h"

namespace aw {

// The ApiError ThrowIfError throws for a non-OK `status` (same kinds, codes
// and details). REQUIRES: !status.ok() (an OK status gives a 500).
ApiError ErrorFor(const Status& status, const std::string& what = "item");

inline std::exception_ptr ErrorPtr(ApiError error) { return std::make_exception_ptr(std::move(error)); }
// ErrorPtr(ErrorFor(status, what)); nullptr for OK.
std::exception_ptr ErrorPtr(const Status& status, const std::string& what = "item");

}  // namespace aw
