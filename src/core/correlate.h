#pragma once

// The intake's rules, once: repeats, correlation (join / gather / open /
// repair) and recovery (auto-resolve). Pure functions: the caller reads the
// state, passes it in with "now", and applies the returned writes - the
// embedded store inside its atomic unit (services/incidents/correlate_local.h),
// DynamoDB as version-checked conditional writes with retry
// (IncidentService::ApplyGroup). docs/correlation.md states the rules.

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "core/correlation.h"
#include "core/records.h"

namespace aw::core {

// What correlation needs of one alert.
struct CorrelationFacts {
  std::string alert_id;
  std::string asset_name;
  std::string asset_id;
  std::string signature;
  std::string message;
  std::string severity;
  std::string tool_source;
  std::string timestamp;
  bool critical_asset = false;
  // The id the incident takes if this alert opens one (empty: the target
  // names it). The DynamoDB executor reserves it before the alert item is
  // written, so that item names its incident without a second write.
  std::string new_incident_id;
};

using KpiDeltas = std::vector<std::pair<std::string, int64_t>>;

// Where the writes go: the company, the key's pointer item, and how to name
// a new incident (called at most once, only when one opens).
struct CorrelationTarget {
  std::string company_id;
  std::string pointer_id;  // "ptr#…" (the pointer's partition is company_id + "#corr")
  std::function<std::string()> new_incident_id;
};

struct CorrelationDecision {
  enum class Action {
    kJoin,    // `incident` is the open incident after the group joined it
    kGather,  // below min_alerts_for_incident: `pointer` holds the group as pending
    kOpen,    // `pointer` names the new `incident` (write the pointer first)
    kRepair,  // the pointer named a missing incident: write `incident` under its id
  };
  Action action = Action::kJoin;
  std::string incident_id;  // the group's incident; empty when gathered
  std::optional<Incident> incident;
  std::optional<CorrelationPointer> pointer;
  // Open / repair: alerts that waited on the pointer and now belong to the incident.
  std::vector<std::string> linked_alert_ids;
  KpiDeltas kpis;     // for the company, once the writes are durable
  std::string event;  // "incident_created" | "incident_updated"
};

// The correlation rule. `pointer`: the key's pointer as read (nullopt: none).
// `incident`: the incident it names as read (nullopt: the pointer names none,
// or it is missing). `group`: one or more alerts of the key, in arrival
// order. REQUIRES: !group.empty(), cfg.auto_correlate.
// An alert joins when the incident is open and its last alert is at most
// time_window_minutes old (exactly at the window: joins).
CorrelationDecision Correlate(const std::optional<CorrelationPointer>& pointer,
                              const std::optional<Incident>& incident,
                              const std::vector<CorrelationFacts>& group, const CorrelationConfig& cfg,
                              const CorrelationTarget& target, int64_t now_us);

// The incident's priority for its state at `now_us` (core/priority.h).
int IncidentPriority(const Incident& inc, int64_t now_us);

// ---- Repeats -------------------------------------------------------------

// Whether an alert is checked for repeats: active alerts always; a recovery
// only by its delivery id (its content is that of the alert it resolves).
bool Deduplicated(const std::string& status, bool has_delivery_id);

struct RepeatFacts {
  std::optional<std::string> claimed_alert_id;  // the claim's alert id; nullopt: no claim
  bool first_found = false;                     // that alert exists
  std::string first_status;                     // its status, when found
  bool by_delivery_id = false;                  // the claim is by X-Delivery-ID
};

enum class RepeatAction {
  kNew,              // no claim: claim it for the new alert
  kRepeat,           // a repeat of the claimed alert (delivery_attempts + 1)
  kNewOccurrence,    // the claimed alert is resolved: re-point the claim to a new alert
  kWriteUnderClaim,  // the claimed alert was never written: write this one under its id
};

// By delivery id a repeat counts however the first alert is now; by content
// only while the first alert is active.
RepeatAction DecideRepeat(const RepeatFacts& f);

// ---- Recovery ------------------------------------------------------------

// Whether a recovery for (asset, signature) resolves this stored alert.
bool RecoveryMatches(const Alert& alert, const std::string& asset_name, const std::string& signature);

struct RecoveryDecision {
  bool resolved = false;  // the incident resolves itself
  KpiDeltas kpis;
};

// `resolved_alerts` of `inc` were resolved by a recovery: the incident after
// it (`inc` changed in place), resolved by the system when no active alert is
// left, it is open and cfg.auto_resolve.
RecoveryDecision ApplyRecovery(Incident& inc, int64_t resolved_alerts, const CorrelationConfig& cfg,
                               int64_t now_us);

}  // namespace aw::core
