#pragma once

// Typed records of the intake: the alert, the incident, the correlation
// pointer and the repeat claim, each with ONE codec to and from its store
// item (store::Item is nlohmann::json; core may not include store/, so the
// codecs work on nlohmann::json directly - docs/design.md, "Typed records").
//
// Contract of every codec:
//   - FromItem reads the modelled attributes (absent or null: the field's
//     default) and keeps every other attribute in `extra`, untouched;
//   - ToItem writes `extra` and then every modelled attribute, so a
//     read-modify-write keeps what the struct does not model (SLA deadlines,
//     list-index attributes, attributes added by later versions).
// Pure: no I/O, no clock. Throws nlohmann::json::type_error when a modelled
// attribute has the wrong type (as the `.value()` look-ups did before).

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace aw::core {

// Newest alert ids kept on an incident (as many as its detail view shows);
// the full membership is each alert's correlated_incident_id.
inline constexpr size_t kMaxAlertIds = 50;
inline constexpr size_t kMaxToolSources = 50;

// Alerts item (company_id, id).
struct Alert {
  std::string company_id;
  std::string id;
  std::string asset_name;
  std::string signature;
  std::string severity;
  std::string message;
  std::string tool_source;
  std::string status = "active";  // active | resolved
  std::string timestamp;          // event time (ISO 8601)
  std::string received_at;
  std::string last_seen;
  int64_t delivery_attempts = 1;
  std::string delivery_id;             // written only when set
  std::string asset_id;                // written only when set
  std::string correlated_incident_id;  // written only when set
  nlohmann::json metadata = nlohmann::json::object();
  std::optional<int64_t> ttl;
  nlohmann::json extra = nlohmann::json::object();

  static Alert FromItem(nlohmann::json item);
  nlohmann::json ToItem() const;
};

// Incidents item (company_id, id).
struct Incident {
  std::string company_id;
  std::string id;
  std::string title;
  std::string description;
  std::string status = "new";
  std::string severity = "low";
  std::vector<std::string> alert_ids;  // the newest kMaxAlertIds
  int64_t alert_count = 0;
  int64_t active_alert_count = 0;
  std::vector<std::string> tool_sources;
  std::string signature;
  std::string asset_name;
  std::string asset_id;
  bool critical_asset = false;
  std::string category;
  std::string correlation_key;  // the aggregation key's name
  std::string correlation_ptr;  // the pointer's sort key
  std::optional<std::string> assigned_to, assigned_at, resolved_at, resolved_by,
      resolution_notes;  // null: nullopt
  bool escalated = false;
  int64_t escalation_level = 0;
  std::string created_at, updated_at, first_alert_at, last_alert_at;
  int64_t last_alert_us = 0;
  int64_t priority_score = 0;
  int64_t version = 0;
  nlohmann::json extra = nlohmann::json::object();  // sla, metadata, list-index attributes, ...

  static Incident FromItem(nlohmann::json item);
  nlohmann::json ToItem() const;
};

// Incidents item (<company_id>#corr, ptr#<sha256(key)>): the open incident of
// a correlation key, or - while incident_id is empty - the alerts gathered
// below min_alerts_for_incident.
struct CorrelationPointer {
  std::string pk;  // "<company_id>#corr"
  std::string id;  // "ptr#…"
  std::string incident_id;
  std::vector<std::string> pending_ids;  // pending_* are written only while incident_id is empty
  std::string pending_severity;
  std::vector<std::string> pending_tools;
  int64_t last_at_us = 0;
  int64_t version = 0;
  std::optional<int64_t> ttl;
  nlohmann::json extra = nlohmann::json::object();

  static CorrelationPointer FromItem(nlohmann::json item);
  nlohmann::json ToItem() const;
};

// Alerts item (company_id, "dlv#…"): which alert a delivery id or an
// alert's content belongs to (docs/correlation.md, "Repeats").
struct RepeatClaim {
  std::string company_id;
  std::string id;  // "dlv#…"
  std::string alert_id;
  int64_t created_us = 0;
  std::optional<int64_t> ttl;
  nlohmann::json extra = nlohmann::json::object();

  static RepeatClaim FromItem(nlohmann::json item);
  nlohmann::json ToItem() const;
};

}  // namespace aw::core
