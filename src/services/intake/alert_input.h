#pragma once

// AlertInput: one alert as intake receives it, from the native webhook
// (http/native_alert.h) or a tool's adapter (IntakeService::ToInput). A
// header of its own so that parsers need not include AlertService.

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

namespace aw::services {

struct AlertInput {
  std::string asset_name;
  std::string signature;
  std::string severity;  // critical | high | medium | low
  std::string message;
  std::string tool_source = "External";
  std::optional<int64_t> timestamp_micros;  // event time from the sender
  nlohmann::json metadata = nlohmann::json::object();
  std::string status = "active";  // active | resolved (issue: correlation)
  // Size of the request body the input was read from (0: unknown). Every
  // stored string came from it, so the stored alert is at most ~6 times it
  // (JSON escapes) plus the attributes the server adds.
  size_t source_bytes = 0;
};

}  // namespace aw::services
