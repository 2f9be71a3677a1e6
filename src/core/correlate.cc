#include "core/correlate.h"

#include <algorithm>

#include "base/time_format.h"
#include "core/category.h"
#include "core/incident_status.h"
#include "core/priority.h"
#include "core/severity.h"

namespace aw::core {

namespace {

using Action = CorrelationDecision::Action;

std::string MaxSeverity(const std::string& a, const std::string& b) {
  return SeverityRank(a) >= SeverityRank(b) ? a : b;
}

// Adds `tool` unless present; at most kMaxToolSources are kept.
void MergeTool(std::vector<std::string>* tools, const std::string& tool) {
  if (std::find(tools->begin(), tools->end(), tool) != tools->end()) return;
  if (tools->size() < kMaxToolSources) tools->push_back(tool);
}

// Keeps the newest kMaxAlertIds ids.
void BoundIds(std::vector<std::string>* ids) {
  if (ids->size() > kMaxAlertIds) {
    ids->erase(ids->begin(), ids->begin() + static_cast<std::ptrdiff_t>(ids->size() - kMaxAlertIds));
  }
}

int64_t WindowMicros(const CorrelationConfig& cfg) {
  return int64_t{cfg.time_window_minutes} * 60 * 1'000'000;
}

bool Joinable(const Incident& inc, int64_t now_us, const CorrelationConfig& cfg) {
  return IsOpenStatus(inc.status) && now_us - inc.last_alert_us <= WindowMicros(cfg);
}

// The join rule: the group becomes part of the open incident.
Incident Join(Incident inc, const std::vector<CorrelationFacts>& group, int64_t now_us) {
  const std::string now = FormatIso8601Micros(now_us);
  for (const auto& a : group) {
    inc.alert_ids.push_back(a.alert_id);
    MergeTool(&inc.tool_sources, a.tool_source);
    inc.severity = MaxSeverity(inc.severity, a.severity);
    inc.critical_asset = inc.critical_asset || a.critical_asset;
  }
  BoundIds(&inc.alert_ids);
  const auto n = static_cast<int64_t>(group.size());
  inc.alert_count += n;
  inc.active_alert_count += n;
  inc.last_alert_at = now;
  inc.last_alert_us = now_us;
  inc.updated_at = now;
  inc.priority_score = IncidentPriority(inc, now_us);
  inc.version += 1;
  return inc;
}

// The alerts gathered on the pointer below the threshold: none when it names
// an incident or its window has passed.
CorrelationPointer Pending(const std::optional<CorrelationPointer>& ptr, int64_t now_us,
                           const CorrelationConfig& cfg) {
  CorrelationPointer p;
  if (ptr && ptr->incident_id.empty() && now_us - ptr->last_at_us <= WindowMicros(cfg)) {
    p.pending_ids = ptr->pending_ids;
    p.pending_severity = ptr->pending_severity;
    p.pending_tools = ptr->pending_tools;
  }
  return p;
}

Incident NewIncident(const CorrelationTarget& target, std::string id, const CorrelationPointer& pending,
                     const std::vector<CorrelationFacts>& group, const CorrelationConfig& cfg,
                     int64_t now_us) {
  const std::string now = FormatIso8601Micros(now_us);
  const CorrelationFacts& first = group.front();
  Incident inc;
  inc.company_id = target.company_id;
  inc.id = std::move(id);
  inc.title = first.signature + " on " + first.asset_name;
  inc.description = first.message;
  inc.severity = pending.pending_severity.empty() ? first.severity : pending.pending_severity;
  inc.alert_ids = pending.pending_ids;
  inc.tool_sources = pending.pending_tools;
  for (const auto& a : group) {
    inc.alert_ids.push_back(a.alert_id);
    MergeTool(&inc.tool_sources, a.tool_source);
    inc.severity = MaxSeverity(inc.severity, a.severity);
    inc.critical_asset = inc.critical_asset || a.critical_asset;
  }
  inc.alert_count = inc.active_alert_count = static_cast<int64_t>(inc.alert_ids.size());
  BoundIds(&inc.alert_ids);
  inc.signature = first.signature;
  inc.asset_name = first.asset_name;
  inc.asset_id = first.asset_id;
  inc.category = Categorize(first.signature, first.message);
  inc.correlation_key = AggregationKeyName(cfg.aggregation_key);
  inc.correlation_ptr = target.pointer_id;
  inc.created_at = inc.updated_at = inc.first_alert_at = inc.last_alert_at = now;
  inc.last_alert_us = now_us;
  inc.version = 1;
  inc.extra = {{"sla", nlohmann::json::object()}, {"metadata", nlohmann::json::object()}};
  inc.priority_score = IncidentPriority(inc, now_us);
  return inc;
}

CorrelationPointer BasePointer(const CorrelationTarget& target, const std::optional<CorrelationPointer>& ptr,
                               int64_t now_us) {
  CorrelationPointer p;
  p.pk = target.company_id + "#corr";
  p.id = target.pointer_id;
  p.version = (ptr ? ptr->version : 0) + 1;
  p.last_at_us = now_us;
  return p;
}

}  // namespace

int IncidentPriority(const Incident& inc, int64_t now_us) {
  PriorityInput in;
  in.severity = ParseSeverity(inc.severity).value_or(Severity::kLow);
  in.critical_asset = inc.critical_asset;
  in.alert_count = inc.alert_count;
  in.tool_count = static_cast<int>(inc.tool_sources.size());
  auto created = ParseIso8601(inc.created_at);
  in.age_hours = created ? static_cast<double>(now_us - *created) / 3.6e9 : 0.0;
  return PriorityScore(in);
}

CorrelationDecision Correlate(const std::optional<CorrelationPointer>& pointer,
                              const std::optional<Incident>& incident,
                              const std::vector<CorrelationFacts>& group, const CorrelationConfig& cfg,
                              const CorrelationTarget& target, int64_t now_us) {
  CorrelationDecision d;
  const std::string named = pointer ? pointer->incident_id : "";
  bool missing = false;
  if (!named.empty()) {
    if (incident) {
      if (Joinable(*incident, now_us, cfg)) {
        d.action = Action::kJoin;
        d.incident_id = named;
        d.incident = Join(*incident, group, now_us);
        if (d.incident->severity != incident->severity) {
          d.kpis = {{"open_" + incident->severity, -1}, {"open_" + d.incident->severity, 1}};
        }
        d.event = "incident_updated";
        return d;
      }
    } else {
      missing = true;  // a crash between the pointer's write and the incident's
    }
  }
  CorrelationPointer pending = Pending(pointer, now_us, cfg);
  const auto total = static_cast<int64_t>(pending.pending_ids.size() + group.size());
  if (total < cfg.min_alerts_for_incident) {
    d.action = Action::kGather;
    CorrelationPointer p = BasePointer(target, pointer, now_us);
    p.pending_ids = std::move(pending.pending_ids);
    p.pending_severity = std::move(pending.pending_severity);
    p.pending_tools = std::move(pending.pending_tools);
    for (const auto& a : group) {
      p.pending_ids.push_back(a.alert_id);
      MergeTool(&p.pending_tools, a.tool_source);
      p.pending_severity =
          p.pending_severity.empty() ? a.severity : MaxSeverity(p.pending_severity, a.severity);
    }
    p.ttl = now_us / 1'000'000 + int64_t{cfg.time_window_minutes} * 60 + 86400;
    d.pointer = std::move(p);
    return d;
  }
  d.action = missing ? Action::kRepair : Action::kOpen;
  // A new incident takes the id its first alert reserved, if it did.
  const std::string& reserved = group.front().new_incident_id;
  d.incident_id = missing ? named : (reserved.empty() ? target.new_incident_id() : reserved);
  if (!missing) {
    d.pointer = BasePointer(target, pointer, now_us);
    d.pointer->incident_id = d.incident_id;
  }
  d.incident = NewIncident(target, d.incident_id, pending, group, cfg, now_us);
  d.linked_alert_ids = std::move(pending.pending_ids);
  d.kpis = {{"incidents_total", 1}, {"open_" + d.incident->severity, 1}};
  d.event = "incident_created";
  return d;
}

bool Deduplicated(const std::string& status, bool has_delivery_id) {
  return status == "active" || has_delivery_id;
}

RepeatAction DecideRepeat(const RepeatFacts& f) {
  if (!f.claimed_alert_id) return RepeatAction::kNew;
  if (f.first_found) {
    return f.by_delivery_id || f.first_status == "active" ? RepeatAction::kRepeat
                                                          : RepeatAction::kNewOccurrence;
  }
  // A claim naming no alert id at all cannot be repaired under it.
  return f.claimed_alert_id->empty() ? RepeatAction::kNewOccurrence : RepeatAction::kWriteUnderClaim;
}

bool RecoveryMatches(const Alert& alert, const std::string& asset_name, const std::string& signature) {
  return alert.status == "active" && alert.asset_name == asset_name && alert.signature == signature;
}

RecoveryDecision ApplyRecovery(Incident& inc, int64_t resolved_alerts, const CorrelationConfig& cfg,
                               int64_t now_us) {
  const std::string now = FormatIso8601Micros(now_us);
  RecoveryDecision d;
  inc.active_alert_count = std::max<int64_t>(0, inc.active_alert_count - resolved_alerts);
  inc.updated_at = now;
  inc.version += 1;
  d.resolved = inc.active_alert_count == 0 && cfg.auto_resolve && IsOpenStatus(inc.status);
  if (!d.resolved) return d;
  inc.status = "resolved";
  inc.resolved_at = now;
  inc.resolved_by = "system";
  inc.resolution_notes = "All alerts of this incident were resolved by their senders.";
  auto created = ParseIso8601(inc.created_at);
  const int64_t age_s = created ? (now_us - *created) / 1'000'000 : 0;
  d.kpis = {{"open_" + inc.severity, -1}, {"resolve_count", 1}, {"resolve_seconds_total", age_s}};
  return d;
}

}  // namespace aw::core
