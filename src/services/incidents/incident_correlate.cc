// Correlation at intake: join the open incident of a key or open a new one.

#include <algorithm>

#include <spdlog/spdlog.h>

#include "base/errors.h"
#include "base/ids.h"
#include "base/time_format.h"
#include "core/category.h"
#include "core/incident_status.h"
#include "core/priority.h"
#include "core/severity.h"
#include "crypto/hash.h"
#include "services/incidents/incident_items.h"
#include "services/txn_items.h"
#include "services/incidents/incident_service.h"
#include "services/list_index.h"
#include "store/tables.h"

namespace aw::services {

namespace t = store::tables;
namespace ii = incident_items;
using nlohmann::json;

namespace incident_items {

store::Key PointerKey(const std::string& company_id, const std::string& correlation_key) {
  return {company_id + "#corr", "ptr#" + crypto::Sha256Hex(correlation_key).substr(0, 40)};
}

store::Key LocatorKey(const std::string& incident_id) {
  std::string tail = incident_id.size() >= 2 ? incident_id.substr(incident_id.size() - 2) : incident_id;
  return {"_loc#" + tail, incident_id};
}

int64_t LastAlertMicros(const json& incident) { return incident.value("last_alert_us", int64_t{0}); }

}  // namespace incident_items

namespace {

std::string MaxSeverity(const std::string& a, const std::string& b) {
  return core::SeverityRank(a) >= core::SeverityRank(b) ? a : b;
}

void MergeTools(json* tools, const std::string& tool) {
  if (!tools->is_array()) *tools = json::array();
  for (const auto& t : *tools) {
    if (t == tool) return;
  }
  if (tools->size() < ii::kMaxToolSources) tools->push_back(tool);
}

int Priority(const json& inc, int64_t now_us) {
  core::PriorityInput in;
  in.severity = core::ParseSeverity(inc.value("severity", "low")).value_or(core::Severity::kLow);
  in.critical_asset = inc.value("critical_asset", false);
  in.alert_count = inc.value("alert_count", int64_t{1});
  in.tool_count = static_cast<int>(inc.value("tool_sources", json::array()).size());
  auto created = ParseIso8601(inc.value("created_at", ""));
  in.age_hours = created ? static_cast<double>(now_us - *created) / 3.6e9 : 0.0;
  return core::PriorityScore(in);
}

}  // namespace

core::CorrelationConfig IncidentService::CorrelationConfigFor(const std::string& company_id) {
  core::CorrelationConfig cfg;
  auto stored = configs_->Get(company_id, "correlation");
  if (!stored) return cfg;
  cfg.time_window_minutes = stored->value("time_window_minutes", cfg.time_window_minutes);
  cfg.aggregation_key =
      core::ParseAggregationKey(stored->value("aggregation_key", "asset|signature")).value_or(cfg.aggregation_key);
  cfg.min_alerts_for_incident = stored->value("min_alerts_for_incident", cfg.min_alerts_for_incident);
  cfg.auto_correlate = stored->value("auto_correlate", cfg.auto_correlate);
  cfg.auto_resolve = stored->value("auto_resolve", cfg.auto_resolve);
  return cfg;
}

CorrelationResult IncidentService::Correlate(const std::string& company_id, const CorrelationInput& in) {
  core::CorrelationConfig cfg = CorrelationConfigFor(company_id);
  if (!cfg.auto_correlate) return {};
  std::string key = core::CorrelationKey(cfg.aggregation_key, in.asset_name, in.signature, in.tool_source);
  return joins_.Submit(company_id + '\n' + key, JoinOp{in},
                       [this, company_id, key](const std::string&, std::vector<JoinOp>& ops) {
                         return ApplyGroup(company_id, key, ops);
                       });
}


namespace {

// Attributes a join writes (JoinInto), in the order of the update.
constexpr const char* kJoinFields[] = {"alert_ids",  "tool_sources", "severity",     "critical_asset",
                                       "alert_count", "active_alert_count", "last_alert_at", "last_alert_us",
                                       "updated_at", "priority_score", "version",
                                       "time_shard", "open_shard", "queue_key"};

// The join rule: `ops` become part of the open incident `inc` (newest
// kMaxAlertIds ids kept, tools merged, the highest severity, counts, last
// alert time, priority and version).
void JoinInto(json& inc, const std::vector<IncidentService::JoinOp>& ops, int64_t now_us, const std::string& now) {
  json ids = inc.value("alert_ids", json::array());
  json tools = inc.value("tool_sources", json::array());
  std::string severity = inc.value("severity", "low");
  bool critical = inc.value("critical_asset", false);
  for (const auto& op : ops) {
    ids.push_back(op.in.alert_id);
    MergeTools(&tools, op.in.tool_source);
    severity = MaxSeverity(severity, op.in.severity);
    critical = critical || op.in.critical_asset;
  }
  if (ids.size() > ii::kMaxAlertIds) {
    ids.erase(ids.begin(), ids.begin() + static_cast<std::ptrdiff_t>(ids.size() - ii::kMaxAlertIds));
  }
  const int64_t n = static_cast<int64_t>(ops.size());
  inc["alert_ids"] = std::move(ids);
  inc["tool_sources"] = std::move(tools);
  inc["severity"] = severity;
  inc["critical_asset"] = critical;
  inc["alert_count"] = inc.value("alert_count", int64_t{0}) + n;
  inc["active_alert_count"] = inc.value("active_alert_count", int64_t{0}) + n;
  inc["last_alert_at"] = now;
  inc["last_alert_us"] = now_us;
  inc["updated_at"] = now;
  inc["priority_score"] = Priority(inc, now_us);
  inc["version"] = inc.value("version", int64_t{0}) + 1;
  list_index::StampIncident(inc);  // open (Joinable): all three attributes are set
}

bool Joinable(const json& inc, int64_t now_us, int64_t window_us) {
  return core::IsOpenStatus(inc.value("status", "")) && now_us - ii::LastAlertMicros(inc) <= window_us;
}

// Alerts gathered on a pointer below the threshold (empty when the pointer
// names an incident or its window has passed).
using Pending = IncidentService::PendingAlerts;

Pending PendingOf(const json* ptr, const std::string& incident_id, int64_t now_us, int64_t window_us) {
  Pending p;
  if (ptr && incident_id.empty() && now_us - ptr->value("last_at_us", int64_t{0}) <= window_us) {
    p.ids = ptr->value("pending_ids", json::array());
    p.severity = ptr->value("pending_severity", "");
    p.tools = ptr->value("pending_tools", json::array());
  }
  return p;
}

// The pointer after `ops` joined its pending alerts.
json PendingPointer(const store::Key& ptr_key, Pending p, const std::vector<IncidentService::JoinOp>& ops,
                    int64_t version, int64_t now_us, const core::CorrelationConfig& cfg) {
  for (const auto& op : ops) {
    p.ids.push_back(op.in.alert_id);
    MergeTools(&p.tools, op.in.tool_source);
    p.severity = p.severity.empty() ? op.in.severity : MaxSeverity(p.severity, op.in.severity);
  }
  return {{"company_id", ptr_key.pk}, {"id", *ptr_key.sk}, {"incident_id", ""},
          {"pending_ids", std::move(p.ids)}, {"pending_severity", p.severity},
          {"pending_tools", std::move(p.tools)}, {"last_at_us", now_us}, {"version", version + 1},
          {"ttl", now_us / 1'000'000 + int64_t{cfg.time_window_minutes} * 60 + 86400}};
}

// True when `ids` holds the alert id of every op. Alert ids are new, and a
// group's ops are written in one item write, so this tells that an earlier
// attempt of this very group was applied: a write whose answer was lost (the
// connection reset after the store did it) is retried and fails its
// condition, and must not be applied a second time.
bool HoldsAll(const json& ids, const std::vector<IncidentService::JoinOp>& ops) {
  if (!ids.is_array()) return false;
  return std::all_of(ops.begin(), ops.end(), [&ids](const IncidentService::JoinOp& op) {
    return std::find(ids.begin(), ids.end(), json(op.in.alert_id)) != ids.end();
  });
}

json OwnedPointer(const store::Key& ptr_key, const std::string& incident_id, int64_t version, int64_t now_us) {
  return {{"company_id", ptr_key.pk}, {"id", *ptr_key.sk}, {"incident_id", incident_id},
          {"version", version + 1}, {"last_at_us", now_us}};
}

json Locator(const std::string& company_id, const std::string& incident_id) {
  return {{"company_id", ii::LocatorKey(incident_id).pk}, {"id", incident_id}, {"owner", company_id}};
}

}  // namespace

json IncidentService::NewIncident(const std::string& company_id, const std::string& id, const store::Key& ptr_key,
                                  const core::CorrelationConfig& cfg, const PendingAlerts& pending,
                                  const std::vector<JoinOp>& ops, int64_t now_us) {
  const std::string now = FormatIso8601Micros(now_us);
  const CorrelationInput& first = ops.front().in;
  std::string severity = pending.severity.empty() ? first.severity : pending.severity;
  json tools = pending.tools;
  json ids = pending.ids;
  bool critical = false;
  for (const auto& op : ops) {
    ids.push_back(op.in.alert_id);
    MergeTools(&tools, op.in.tool_source);
    severity = MaxSeverity(severity, op.in.severity);
    critical = critical || op.in.critical_asset;
  }
  const int64_t total = static_cast<int64_t>(ids.size());
  if (ids.size() > ii::kMaxAlertIds) {
    ids.erase(ids.begin(), ids.begin() + static_cast<std::ptrdiff_t>(ids.size() - ii::kMaxAlertIds));
  }
  json inc = {
      {"company_id", company_id},
      {"id", id},
      {"title", first.signature + " on " + first.asset_name},
      {"description", first.message},
      {"status", "new"},
      {"severity", severity},
      {"alert_ids", ids},
      {"alert_count", total},
      {"active_alert_count", total},
      {"tool_sources", tools},
      {"signature", first.signature},
      {"asset_name", first.asset_name},
      {"asset_id", first.asset_id},
      {"critical_asset", critical},
      {"category", core::Categorize(first.signature, first.message)},
      {"correlation_key", core::AggregationKeyName(cfg.aggregation_key)},
      {"correlation_ptr", *ptr_key.sk},
      {"assigned_to", nullptr},
      {"assigned_at", nullptr},
      {"resolved_at", nullptr},
      {"resolved_by", nullptr},
      {"resolution_notes", nullptr},
      {"escalated", false},
      {"escalation_level", 0},
      {"sla", json::object()},
      {"metadata", json::object()},
      {"created_at", now},
      {"updated_at", now},
      {"first_alert_at", now},
      {"last_alert_at", now},
      {"last_alert_us", now_us},
      {"version", 1},
  };
  inc["priority_score"] = Priority(inc, now_us);
  for (const auto& d : decorators_) d(company_id, inc);
  list_index::StampIncident(inc);
  return inc;
}

std::vector<CorrelationResult> IncidentService::ApplyGroup(const std::string& company_id, const std::string& key,
                                                           std::vector<JoinOp>& ops) {
  const core::CorrelationConfig cfg = CorrelationConfigFor(company_id);
  const int64_t window_us = int64_t{cfg.time_window_minutes} * 60 * 1'000'000;
  const store::Key ptr_key = ii::PointerKey(company_id, key);

  for (int attempt = 0; attempt < 16; ++attempt) {
    const int64_t now_us = ctx_->clock->NowMicros();
    const std::string now = FormatIso8601Micros(now_us);
    auto ptr_r = ctx_->store->GetItem({t::kIncidents, ptr_key});
    std::optional<json> ptr;
    if (ptr_r.ok()) {
      ptr = std::move(ptr_r).value();
    } else if (!ptr_r.status().IsNotFound()) {
      ThrowIfError(ptr_r.status(), "correlation pointer");
    }

    // 1. Join the open incident of this key.
    std::string incident_id = ptr ? ptr->value("incident_id", "") : "";
    bool incident_missing = false;
    if (!incident_id.empty()) {
      auto inc_r = ctx_->store->GetItem({t::kIncidents, {company_id, incident_id}});
      if (inc_r.ok()) {
        json inc = std::move(inc_r).value();
        // Joined already (a sender's retry of an alert whose own write failed
        // after its join): joining again would count it twice.
        if (HoldsAll(inc.value("alert_ids", json::array()), ops)) {
          return std::vector<CorrelationResult>(ops.size(), {incident_id, false});
        }
        if (Joinable(inc, now_us, window_us)) {
          const int64_t version = inc.value("version", int64_t{0});
          const std::string old_severity = inc.value("severity", "low");
          JoinInto(inc, ops, now_us, now);
          store::UpdateRequest u;
          u.table = t::kIncidents;
          u.key = {company_id, incident_id};
          u.condition.Equals("version", version);
          for (const char* f : kJoinFields) u.Set(f, inc[f]);
          u.defer_sync = true;  // the intake syncs once at the end
          auto r = ctx_->store->UpdateItem(u);
          if (r.status().IsConditionFailed()) {
            auto again = ctx_->store->GetItem({t::kIncidents, {company_id, incident_id}});
            if (!again.ok() || !HoldsAll(again->value("alert_ids", json::array()), ops)) continue;  // read again
            r = std::move(again);  // our own earlier attempt was applied
          }
          ThrowIfError(r.status(), "incident");
          const std::string severity = inc.value("severity", "low");
          if (severity != old_severity) {
            kpis_->Add(company_id, {{"open_" + old_severity, -1}, {"open_" + severity, 1}});
          }
          Notify("incident_updated", *r);
          return std::vector<CorrelationResult>(ops.size(), {incident_id, false});
        }
      } else if (inc_r.status().IsNotFound()) {
        // The pointer was written but its incident was not (a crash between
        // the two writes): open the incident under the pointer's id below.
        incident_missing = true;
      } else {
        ThrowIfError(inc_r.status(), "incident");
      }
    }

    // 2. Below the threshold, alerts gather on the pointer.
    Pending pending = PendingOf(ptr ? &*ptr : nullptr, incident_id, now_us, window_us);
    const int64_t ptr_version = ptr ? ptr->value("version", int64_t{0}) : 0;
    store::Condition ptr_cond;
    if (ptr) {
      ptr_cond.Equals("version", ptr_version);
    } else {
      ptr_cond = store::Condition::ItemNotExists("company_id");
    }
    const int64_t total = static_cast<int64_t>(pending.ids.size() + ops.size());
    if (total < cfg.min_alerts_for_incident) {
      json np = PendingPointer(ptr_key, std::move(pending), ops, ptr_version, now_us, cfg);
      Status s = ctx_->store->PutItem({t::kIncidents, np, ptr_cond, /*defer_sync=*/true});
      if (s.IsConditionFailed()) {
        auto again = ctx_->store->GetItem({t::kIncidents, ptr_key});
        if (!again.ok() || !HoldsAll(again->value("pending_ids", json::array()), ops)) continue;
        s = Status::OK();  // our own earlier attempt was applied
      }
      ThrowIfError(s, "correlation pointer");
      return std::vector<CorrelationResult>(ops.size(), CorrelationResult{});
    }

    // 3. Open a new incident: claim the pointer first, then write the item.
    const bool repair = incident_missing;
    const std::string new_id = repair ? incident_id : NewId(now_us);
    if (!repair) {
      Status s = ctx_->store->PutItem(
          {t::kIncidents, OwnedPointer(ptr_key, new_id, ptr_version, now_us), ptr_cond, /*defer_sync=*/true});
      if (s.IsConditionFailed()) continue;  // another request opened it: join that one
      ThrowIfError(s, "correlation pointer");
    }
    json inc = NewIncident(company_id, new_id, ptr_key, cfg, pending, ops, now_us);
    const std::string severity = inc.value("severity", "low");
    // Written only if absent, also when we own the pointer: another replica
    // that read the pointer before this incident existed takes it for a
    // crash and "repairs" it; whoever writes first wins, the other joins.
    // (An unconditional write here lost that replica's alert from the count.)
    Status put = ctx_->store->PutItem({t::kIncidents, inc, store::Condition::ItemNotExists("company_id"), true});
    if (put.IsConditionFailed()) {
      auto again = ctx_->store->GetItem({t::kIncidents, {company_id, new_id}});
      if (!again.ok() || !HoldsAll(again->value("alert_ids", json::array()), ops)) continue;  // join it
      put = Status::OK();  // our own earlier attempt was applied: finish the opening
    }
    ThrowIfError(put, "incident");
    ThrowIfError(ctx_->store->PutItem({t::kIncidents, Locator(company_id, new_id), {}, true}), "incident locator");
    kpis_->Add(company_id, {{"incidents_total", 1}, {"open_" + severity, 1}});
    // Alerts that waited below the threshold now belong to the incident.
    for (const auto& pid : pending.ids) {
      store::UpdateRequest au;
      au.table = t::kAlerts;
      au.key = {company_id, pid.get<std::string>()};
      au.condition = store::Condition::ItemExists("company_id");
      au.Set("correlated_incident_id", new_id);
      au.defer_sync = true;
      (void)ctx_->store->UpdateItem(au);
    }
    Notify("incident_created", inc);
    // Only the first alert of the group opened it; the others joined.
    std::vector<CorrelationResult> out(ops.size(), {new_id, false});
    out.front().created = true;
    return out;
  }
  Throw(ErrorKind::kUnavailable, "correlation_contention",
        "the incident for this alert is changing too fast; retry shortly", 1);
}

CorrelationResult IncidentService::CorrelateLocal(TxnItems& items, const std::string& company_id,
                                                  const core::CorrelationConfig& cfg, const CorrelationInput& in,
                                                  int64_t now_us, LocalEffects* fx) {
  if (!cfg.auto_correlate) return {};
  const std::string key = core::CorrelationKey(cfg.aggregation_key, in.asset_name, in.signature, in.tool_source);
  const int64_t window_us = int64_t{cfg.time_window_minutes} * 60 * 1'000'000;
  const store::Key ptr_key = ii::PointerKey(company_id, key);
  const std::vector<JoinOp> ops{JoinOp{in}};
  json* ptr = items.Get(t::kIncidents, ptr_key);
  std::string incident_id = ptr ? ptr->value("incident_id", "") : "";
  bool incident_missing = false;
  if (!incident_id.empty()) {
    const store::Key inc_key{company_id, incident_id};
    if (json* inc = items.Get(t::kIncidents, inc_key)) {
      if (Joinable(*inc, now_us, window_us)) {
        const std::string old_severity = inc->value("severity", "low");
        JoinInto(*inc, ops, now_us, FormatIso8601Micros(now_us));
        items.Touch(t::kIncidents, inc_key);
        const std::string severity = inc->value("severity", "low");
        if (severity != old_severity) fx->kpis.push_back({company_id, {{"open_" + old_severity, -1}, {"open_" + severity, 1}}});
        fx->changed.try_emplace(incident_id, company_id, "incident_updated");
        return {incident_id, false};
      }
    } else {
      incident_missing = true;  // a crash between pointer and incident: repair below
    }
  }
  Pending pending = PendingOf(ptr, incident_id, now_us, window_us);
  const int64_t ptr_version = ptr ? ptr->value("version", int64_t{0}) : 0;
  const int64_t total = static_cast<int64_t>(pending.ids.size()) + 1;
  if (total < cfg.min_alerts_for_incident) {
    items.Put(t::kIncidents, ptr_key, PendingPointer(ptr_key, std::move(pending), ops, ptr_version, now_us, cfg));
    return {};
  }
  const std::string new_id = incident_missing ? incident_id : NewId(now_us);
  if (!incident_missing) items.Put(t::kIncidents, ptr_key, OwnedPointer(ptr_key, new_id, ptr_version, now_us));
  json& inc = items.Put(t::kIncidents, {company_id, new_id}, NewIncident(company_id, new_id, ptr_key, cfg, pending, ops, now_us));
  items.Put(t::kIncidents, ii::LocatorKey(new_id), Locator(company_id, new_id));
  fx->kpis.push_back({company_id, {{"incidents_total", 1}, {"open_" + inc.value("severity", std::string("low")), 1}}});
  fx->changed[new_id] = {company_id, "incident_created"};
  for (const auto& pid : pending.ids) {
    const store::Key ak{company_id, pid.get<std::string>()};
    if (json* a = items.Get(t::kAlerts, ak)) {
      (*a)["correlated_incident_id"] = new_id;
      items.Touch(t::kAlerts, ak);
    }
  }
  return {new_id, true};
}

void IncidentService::AnnounceLocal(std::vector<std::pair<std::string, nlohmann::json>> changes) {
  for (auto& [type, item] : changes) Notify(type, std::move(item));
}

}  // namespace aw::services
