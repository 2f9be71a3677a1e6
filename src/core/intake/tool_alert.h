#pragma once

// ToolAlert: one alert as a monitoring tool described it, after its payload
// adapter (core/intake/<tool>.h) translated it into the fields intake knows.
// Adapters are pure functions: a parsed payload (and the company's
// IntakeMapping) in, ToolAlerts or an AdapterError out; no I/O, no clock
// (the caller passes "now" where a rule needs it, e.g. Prometheus' endsAt).
//
// Decision (docs/intake.md): core/intake/ uses nlohmann::json as the value
// type of a parsed payload. It is a header-only data structure, not I/O, and
// writing a second JSON tree for core alone would only copy it.

#include <cstdint>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

namespace aw::core::intake {

struct ToolAlert {
  std::string asset_name;                   // from the mapping's asset labels; never empty
  std::string signature;                    // e.g. labels.alertname; never empty
  std::string severity;                     // critical | high | medium | low (mapped)
  std::string message;                      // summary / description / title
  std::string tool_source;                  // "Prometheus", "Alertmanager", "Grafana", "PagerDuty", ...
  std::optional<int64_t> timestamp_micros;  // when the tool says it started
  // The tool's labels (string -> string). Intake stores them in the alert's
  // metadata as "labels"; silences and inhibition rules match on them.
  std::map<std::string, std::string> labels;
  // Everything else worth keeping (annotations, generator/dashboard URLs,
  // values, custom details): stored as the alert's metadata (an object).
  nlohmann::json metadata = nlohmann::json::object();
  bool resolved = false;  // a recovery: resolves the matching active alerts
  // Identifies this occurrence of the alert across re-sends (e.g.
  // fingerprint + startsAt, a dedup_key, a trigger id + event id). Intake
  // uses it as the delivery id, so a re-send is a repeat, not a new alert.
  // Empty: the tool gives none (intake falls back to the content).
  std::string repeat_key;
};

// Why a payload was refused: `field` names the JSON path (e.g.
// "alerts[2].labels.alertname"), `message` is a sentence for the sender.
struct AdapterError {
  std::string field;
  std::string message;
};

struct AdapterResult {
  std::vector<ToolAlert> alerts;
  std::optional<AdapterError> error;  // set: nothing in `alerts` is to be used
};

// Per-company mapping (CompanyConfigs config_type "intake_mapping"), with
// defaults that fit the tools' usual labels.
struct IntakeMapping {
  // The first of these labels that is present and non-empty names the asset.
  std::vector<std::string> asset_labels = {"instance", "host", "hostname", "pod"};
  // Tool severity (lower-cased) -> ours, consulted before the built-in table.
  std::map<std::string, std::string> severity_map;
  // Severity when the payload has none or an unknown one.
  std::string default_severity = "medium";
};

}  // namespace aw::core::intake
