#pragma once

// Shared pieces of the payload adapters (core/intake/<tool>.cc): the limits
// every adapter applies, field readers that name the JSON path of what they
// refuse, severity mapping and asset choice. Pure; thread-safe.

#include <cstddef>
#include <cstdint>
#include <exception>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "core/intake/tool_alert.h"

namespace aw::core::intake {

// The native webhook's limits (POST /api/webhooks/alerts).
inline constexpr size_t kMaxAssetBytes = 256;
inline constexpr size_t kMaxSignatureBytes = 256;
inline constexpr size_t kMaxMessageBytes = 16 * 1024;
inline constexpr size_t kMaxToolBytes = 128;
// Repeat keys become the alert's delivery id (at most 256 like X-Delivery-ID).
inline constexpr size_t kMaxRepeatKeyBytes = 256;
// Alerts in one payload. Alertmanager's max_alerts is usually far below it.
inline constexpr size_t kMaxAlertsPerPayload = 1000;
inline constexpr size_t kMaxLabels = 128;
inline constexpr size_t kMaxLabelBytes = 1024;

namespace detail {

// Thrown by the readers below and turned into AdapterResult::error by
// Guard(); never leaves an adapter.
struct Refusal : std::exception {
  AdapterError error;
  explicit Refusal(AdapterError e) : error(std::move(e)) {}
  const char* what() const noexcept override { return "payload refused"; }
};

[[noreturn]] void Refuse(std::string field, std::string message);

// "alerts[2]" + "labels" -> "alerts[2].labels"; "" + "x" -> "x".
std::string Path(std::string_view parent, std::string_view key);
std::string Index(std::string_view parent, size_t i);

// Present and not null, else nullptr.
const nlohmann::json* Find(const nlohmann::json& obj, std::string_view key);
// A non-empty string of at most max_bytes.
std::string RequiredString(const nlohmann::json& obj, std::string_view key, std::string_view parent,
                           size_t max_bytes);
// Absent/null -> nullopt; else a string of at most max_bytes (may be empty).
std::optional<std::string> OptionalString(const nlohmann::json& obj, std::string_view key,
                                          std::string_view parent, size_t max_bytes);
// An object whose values are all strings (labels, annotations); absent -> {}.
std::map<std::string, std::string> StringMap(const nlohmann::json& obj, std::string_view key,
                                             std::string_view parent);
// An RFC 3339 time; absent, null, "" or Go's zero time (0001-01-01T00:00:00Z)
// -> nullopt.
std::optional<int64_t> OptionalTime(const nlohmann::json& obj, std::string_view key, std::string_view parent);

// A payload that must be a JSON object.
void RequireObject(const nlohmann::json& v, std::string_view path);

// Runs `body`, turning a Refusal into the result's error.
AdapterResult Guard(const std::function<void(AdapterResult&)>& body);

}  // namespace detail

// A tool's severity word -> critical|high|medium|low: the company's map
// first, then the tool's built-in table (keys lower-case), then our own
// names, then m.default_severity. `raw` is compared lower-cased and trimmed.
std::string MapSeverity(std::string_view raw, const IntakeMapping& m,
                        const std::map<std::string, std::string>& builtin);

// The first of m.asset_labels that is present and non-empty in `labels`,
// else "". The caller decides the fallback.
std::string AssetFromLabels(const std::map<std::string, std::string>& labels, const IntakeMapping& m);

// At most max_bytes of `s`, cut at a UTF-8 character boundary.
std::string Truncate(std::string_view s, size_t max_bytes);

// A stable 16-hex-digit fingerprint (FNV-1a 64) of a label set, for tools
// that send none (Prometheus' own fingerprint is also an FNV-1a of labels).
std::string LabelFingerprint(const std::map<std::string, std::string>& labels);

}  // namespace aw::core::intake
