#include "http/native_alert.h"

#include "base/errors.h"
#include "base/time_format.h"
#include "http/json_body.h"

namespace aw::http {

services::AlertInput ParseNativeAlert(const nlohmann::json& body) {
  services::AlertInput in;
  in.asset_name = RequiredString(body, "asset_name", 256);
  in.signature = RequiredString(body, "signature", 256);
  in.severity = RequiredEnum(body, "severity", {"critical", "high", "medium", "low"});
  in.message = RequiredString(body, "message", 16 * 1024);
  if (auto tool = OptionalString(body, "tool_source", 128); tool && !tool->empty()) in.tool_source = *tool;
  if (auto ts = OptionalString(body, "timestamp", 64)) {
    auto micros = ParseIso8601(*ts);
    if (!micros) ThrowInvalidField("timestamp", "must be an ISO-8601 date-time, e.g. 2026-01-31T12:00:00Z");
    in.timestamp_micros = *micros;
  }
  if (auto md = OptionalObject(body, "metadata")) in.metadata = std::move(*md);
  if (auto st = OptionalEnum(body, "status", {"active", "resolved", "firing"})) {
    in.status = *st == "resolved" ? "resolved" : "active";
  }
  return in;
}

}  // namespace aw::http
