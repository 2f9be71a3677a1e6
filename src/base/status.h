#pragma once

// Status and Result<T>: expected failures as values (LevelDB style).
//
// A Status is either OK or carries a Code and a human-readable message that
// keeps the original text of whatever failed underneath (RocksDB, DynamoDB, ...).
// Thread-compatible: a Status is a plain value.

#include <optional>
#include <string>
#include <utility>
#include <variant>

namespace aw {

enum class Code {
  kOk = 0,
  kNotFound,          // the item, table or resource does not exist
  kConditionFailed,   // a conditional write's condition was false
  kInvalidArgument,   // the request itself is wrong (bad key, item too large, ...)
  kAlreadyExists,     // creation of something that exists
  kThrottled,         // the backend asked us to slow down; retry later
  kUnavailable,       // the backend could not be reached; retry later
  kUnauthenticated,   // credentials missing or rejected
  kInternal,          // a bug or an unexpected backend answer
};

const char* CodeName(Code code);

class [[nodiscard]] Status {
 public:
  Status() = default;  // OK
  Status(Code code, std::string message) : code_(code), message_(std::move(message)) {}

  static Status OK() { return Status(); }
  static Status NotFound(std::string m) { return {Code::kNotFound, std::move(m)}; }
  static Status ConditionFailed(std::string m) { return {Code::kConditionFailed, std::move(m)}; }
  static Status InvalidArgument(std::string m) { return {Code::kInvalidArgument, std::move(m)}; }
  static Status AlreadyExists(std::string m) { return {Code::kAlreadyExists, std::move(m)}; }
  static Status Throttled(std::string m) { return {Code::kThrottled, std::move(m)}; }
  static Status Unavailable(std::string m) { return {Code::kUnavailable, std::move(m)}; }
  static Status Unauthenticated(std::string m) { return {Code::kUnauthenticated, std::move(m)}; }
  static Status Internal(std::string m) { return {Code::kInternal, std::move(m)}; }

  bool ok() const { return code_ == Code::kOk; }
  Code code() const { return code_; }
  const std::string& message() const { return message_; }
  bool IsNotFound() const { return code_ == Code::kNotFound; }
  bool IsConditionFailed() const { return code_ == Code::kConditionFailed; }

  // "ConditionFailed: <message>"
  std::string ToString() const;

 private:
  Code code_ = Code::kOk;
  std::string message_;
};

// Result<T> holds either a value or a non-OK Status.
template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : v_(std::move(value)) {}  // NOLINT: implicit by design
  Result(Status status) : v_(std::move(status)) {}  // NOLINT
  // REQUIRES: !status.ok()

  bool ok() const { return std::holds_alternative<T>(v_); }
  const Status& status() const {
    static const Status kOk;
    return ok() ? kOk : std::get<Status>(v_);
  }
  T& value() & { return std::get<T>(v_); }
  const T& value() const& { return std::get<T>(v_); }
  T&& value() && { return std::get<T>(std::move(v_)); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }

 private:
  std::variant<T, Status> v_;
};

}  // namespace aw
