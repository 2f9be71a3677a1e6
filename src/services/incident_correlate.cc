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
#include "services/incident_items.h"
#include "services/incident_service.h"
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
        if (core::IsOpenStatus(inc.value("status", "")) && now_us - ii::LastAlertMicros(inc) <= window_us) {
          const int64_t version = inc.value("version", int64_t{0});
          json ids = inc.value("alert_ids", json::array());
          json tools = inc.value("tool_sources", json::array());
          std::string severity = inc.value("severity", "low");
          const std::string old_severity = severity;
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
          inc["alert_ids"] = ids;
          inc["tool_sources"] = tools;
          inc["severity"] = severity;
          inc["critical_asset"] = critical;
          inc["alert_count"] = inc.value("alert_count", int64_t{0}) + n;
          inc["active_alert_count"] = inc.value("active_alert_count", int64_t{0}) + n;
          store::UpdateRequest u;
          u.table = t::kIncidents;
          u.key = {company_id, incident_id};
          u.condition.Equals("version", version);
          u.Set("alert_ids", ids)
              .Set("tool_sources", tools)
              .Set("severity", severity)
              .Set("critical_asset", critical)
              .Set("alert_count", inc["alert_count"])
              .Set("active_alert_count", inc["active_alert_count"])
              .Set("last_alert_at", now)
              .Set("last_alert_us", now_us)
              .Set("updated_at", now)
              .Set("priority_score", Priority(inc, now_us))
              .Set("version", version + 1);
          u.defer_sync = true;  // the intake syncs once at the end
          auto r = ctx_->store->UpdateItem(u);
          if (r.status().IsConditionFailed()) continue;  // changed meanwhile: read again
          ThrowIfError(r.status(), "incident");
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
    json pending_ids = json::array();
    std::string pending_severity;
    json pending_tools = json::array();
    if (ptr && incident_id.empty() && now_us - ptr->value("last_at_us", int64_t{0}) <= window_us) {
      pending_ids = ptr->value("pending_ids", json::array());
      pending_severity = ptr->value("pending_severity", "");
      pending_tools = ptr->value("pending_tools", json::array());
    }
    const int64_t ptr_version = ptr ? ptr->value("version", int64_t{0}) : 0;
    store::Condition ptr_cond;
    if (ptr) {
      ptr_cond.Equals("version", ptr_version);
    } else {
      ptr_cond = store::Condition::ItemNotExists("company_id");
    }
    const int64_t total = static_cast<int64_t>(pending_ids.size() + ops.size());
    if (total < cfg.min_alerts_for_incident) {
      for (const auto& op : ops) {
        pending_ids.push_back(op.in.alert_id);
        MergeTools(&pending_tools, op.in.tool_source);
        pending_severity = pending_severity.empty() ? op.in.severity : MaxSeverity(pending_severity, op.in.severity);
      }
      json np = {{"company_id", ptr_key.pk}, {"id", *ptr_key.sk}, {"incident_id", ""},
                 {"pending_ids", pending_ids}, {"pending_severity", pending_severity},
                 {"pending_tools", pending_tools}, {"last_at_us", now_us}, {"version", ptr_version + 1},
                 {"ttl", now_us / 1'000'000 + int64_t{cfg.time_window_minutes} * 60 + 86400}};
      Status s = ctx_->store->PutItem({t::kIncidents, np, ptr_cond, /*defer_sync=*/true});
      if (s.IsConditionFailed()) continue;
      ThrowIfError(s, "correlation pointer");
      return std::vector<CorrelationResult>(ops.size(), CorrelationResult{});
    }

    // 3. Open a new incident: claim the pointer first, then write the item.
    const bool repair = incident_missing;
    const std::string new_id = repair ? incident_id : NewId(now_us);
    if (!repair) {
      json np = {{"company_id", ptr_key.pk}, {"id", *ptr_key.sk}, {"incident_id", new_id},
                 {"version", ptr_version + 1}, {"last_at_us", now_us}};
      Status s = ctx_->store->PutItem({t::kIncidents, np, ptr_cond, /*defer_sync=*/true});
      if (s.IsConditionFailed()) continue;  // another request opened it: join that one
      ThrowIfError(s, "correlation pointer");
    }
    const CorrelationInput& first = ops.front().in;
    std::string severity = pending_severity.empty() ? first.severity : pending_severity;
    json tools = pending_tools;
    json ids = pending_ids;
    bool critical = false;
    for (const auto& op : ops) {
      ids.push_back(op.in.alert_id);
      MergeTools(&tools, op.in.tool_source);
      severity = MaxSeverity(severity, op.in.severity);
      critical = critical || op.in.critical_asset;
    }
    if (ids.size() > ii::kMaxAlertIds) {
      ids.erase(ids.begin(), ids.begin() + static_cast<std::ptrdiff_t>(ids.size() - ii::kMaxAlertIds));
    }
    json inc = {
        {"company_id", company_id},
        {"id", new_id},
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
    json loc = {{"company_id", ii::LocatorKey(new_id).pk}, {"id", new_id}, {"owner", company_id}};
    // Written only if absent, also when we own the pointer: another replica
    // that read the pointer before this incident existed takes it for a
    // crash and "repairs" it; whoever writes first wins, the other joins.
    // (An unconditional write here lost that replica's alert from the count.)
    Status put = ctx_->store->PutItem({t::kIncidents, inc, store::Condition::ItemNotExists("company_id"), true});
    if (put.IsConditionFailed()) continue;  // written concurrently: join it
    ThrowIfError(put, "incident");
    ThrowIfError(ctx_->store->PutItem({t::kIncidents, loc, {}, true}), "incident locator");
    kpis_->Add(company_id, {{"incidents_total", 1}, {"open_" + severity, 1}});
    // Alerts that waited below the threshold now belong to the incident.
    for (const auto& pid : pending_ids) {
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

}  // namespace aw::services
