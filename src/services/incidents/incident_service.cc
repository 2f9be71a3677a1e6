// The incident API: read, list, change status, assign, escalate, stats.

#include "services/incidents/incident_service.h"

#include <algorithm>

#include <spdlog/spdlog.h>

#include "base/errors.h"
#include "base/json_fields.h"
#include "base/time_format.h"
#include "core/correlate.h"
#include "core/incident_status.h"
#include "core/priority.h"
#include "core/severity.h"
#include "services/identity/tenant_scope.h"
#include "services/incidents/incident_items.h"
#include "services/list_index.h"
#include "services/merged_query.h"
#include "services/paging.h"
#include "services/sharded_query.h"
#include "store/tables.h"

namespace aw::services {

namespace t = store::tables;
namespace ii = incident_items;
using nlohmann::json;

void IncidentService::Notify(const std::string& type, json incident) {
  if (listeners_.empty()) return;
  json view = View(std::move(incident));
  for (const auto& l : listeners_) {
    try {
      l(type, view);
    } catch (const std::exception& e) {
      spdlog::warn("incident listener failed for {}: {}", type, e.what());
    }
  }
}

json IncidentService::CorrelationConfigView(const std::string& company_id) {
  auto c = CorrelationConfigFor(company_id);
  return {{"company_id", company_id},
          {"time_window_minutes", c.time_window_minutes},
          {"aggregation_key", core::AggregationKeyName(c.aggregation_key)},
          {"min_alerts_for_incident", c.min_alerts_for_incident},
          {"auto_correlate", c.auto_correlate},
          {"auto_resolve", c.auto_resolve}};
}

json IncidentService::PutCorrelationConfig(const std::string& company_id, const json& body) {
  RejectUnknownFields(body, {"time_window_minutes", "aggregation_key", "min_alerts_for_incident", "auto_correlate",
                             "auto_resolve", "company_id"});
  core::CorrelationConfig c = CorrelationConfigFor(company_id);
  auto int_field = [&](const char* f, int lo, int hi, int* out) {
    if (!body.contains(f) || body[f].is_null()) return;
    if (!body[f].is_number_integer()) ThrowInvalidField(f, "must be an integer");
    int64_t v = body[f].get<int64_t>();
    if (v < lo || v > hi) ThrowInvalidField(f, "must be between " + std::to_string(lo) + " and " + std::to_string(hi));
    *out = static_cast<int>(v);
  };
  auto bool_field = [&](const char* f, bool* out) {
    if (!body.contains(f) || body[f].is_null()) return;
    if (!body[f].is_boolean()) ThrowInvalidField(f, "must be true or false");
    *out = body[f].get<bool>();
  };
  int_field("time_window_minutes", 1, 1440, &c.time_window_minutes);
  int_field("min_alerts_for_incident", 1, 1000, &c.min_alerts_for_incident);
  bool_field("auto_correlate", &c.auto_correlate);
  bool_field("auto_resolve", &c.auto_resolve);
  if (body.contains("aggregation_key") && !body["aggregation_key"].is_null()) {
    if (!body["aggregation_key"].is_string()) ThrowInvalidField("aggregation_key", "must be a string");
    auto k = core::ParseAggregationKey(body["aggregation_key"].get<std::string>());
    if (!k) {
      ThrowInvalidField("aggregation_key", "must be one of: asset|signature, asset|signature|tool, signature, asset");
    }
    c.aggregation_key = *k;
  }
  configs_->Put(company_id, "correlation",
                {{"time_window_minutes", c.time_window_minutes},
                 {"aggregation_key", core::AggregationKeyName(c.aggregation_key)},
                 {"min_alerts_for_incident", c.min_alerts_for_incident},
                 {"auto_correlate", c.auto_correlate},
                 {"auto_resolve", c.auto_resolve}});
  return CorrelationConfigView(company_id);
}

std::string IncidentService::CompanyOf(const std::string& incident_id, json* item) {
  if (incident_id.empty() || incident_id.size() > 64 || incident_id.find('#') != std::string::npos) return "";
  // The tag's owner (remembered, also when unclaimed), then the locator; with
  // neither, the tag once more from the store: another replica may have
  // claimed it since this one remembered it unclaimed.
  for (bool fresh : {false, true}) {
    if (std::string owner = tags_.OwnerOf(incident_id, fresh); !owner.empty()) {
      auto r = ctx_->store->GetItem({t::kIncidents, {owner, incident_id}});
      if (r.ok()) {
        if (item) *item = std::move(r).value();
        return owner;
      }
      if (!r.status().IsNotFound()) ThrowIfError(r.status(), "incident");
      // Another company's tag by chance (an id of the previous release): its locator says.
    }
    if (fresh) return "";
    auto r = ctx_->store->GetItem({t::kIncidents, ii::LocatorKey(incident_id)});
    if (r.ok()) return r->value("owner", "");
    if (!r.status().IsNotFound()) ThrowIfError(r.status(), "incident");
  }
  return "";
}

json IncidentService::LoadOwned(const Principal& p, const std::string& incident_id, std::string* company_id) {
  json found;
  std::string cid = CompanyOf(incident_id, &found);
  RequireVisibleOwner(p, cid, "incident");
  if (company_id) *company_id = cid;
  if (found.is_object()) return found;  // read already (tagged id)
  auto r = ctx_->store->GetItem({t::kIncidents, {cid, incident_id}});
  if (r.status().IsNotFound()) ThrowNotFound("incident");
  ThrowIfError(r.status(), "incident");
  return std::move(r).value();
}

json IncidentService::View(json out) const {
  for (const char* k : {"correlation_ptr", "last_alert_us", "ttl"}) out.erase(k);
  list_index::HideAttrs(out);
  if (core::IsOpenStatus(out.value("status", ""))) {
    core::PriorityInput in;
    in.severity = core::ParseSeverity(out.value("severity", "low")).value_or(core::Severity::kLow);
    in.critical_asset = out.value("critical_asset", false);
    in.alert_count = out.value("alert_count", int64_t{1});
    auto tools = out.find("tool_sources");
    in.tool_count = tools != out.end() && tools->is_array() ? static_cast<int>(tools->size()) : 0;
    auto created = ParseIso8601(out.value("created_at", ""));
    in.age_hours = created ? static_cast<double>(ctx_->clock->NowMicros() - *created) / 3.6e9 : 0.0;
    out["priority_score"] = core::PriorityScore(in);
  }
  return out;
}

json IncidentService::Get(const Principal& p, const std::string& incident_id) {
  return View(LoadOwned(p, incident_id, nullptr));
}

Page IncidentService::List(const Principal& p, const IncidentFilter& f, const std::vector<std::string>& all_ids) {
  if (!f.status.empty() && !core::IsIncidentStatus(f.status)) {
    ThrowInvalidField("status", "must be one of: new, acknowledged, in_progress, escalated, resolved, closed");
  }
  if (f.sort != "time" && f.sort != "priority") ThrowInvalidField("sort", "must be time or priority");
  if (f.company_id.empty() && UsesShardedLists(p)) return ListAcrossCompanies(p, f);
  MergedQuery q;
  if (!f.company_id.empty()) {
    RequireSee(p, f.company_id);
    q.partitions.push_back(f.company_id);
  } else {
    q.partitions = p.IsMspAdmin() ? all_ids : p.company_ids;
  }
  q.table = t::kIncidents;
  if (!f.status.empty()) {
    q.index = t::kIncidentsByStatusIndex;
    q.sk = {store::SortCondition::Op::kEq, f.status, ""};
  }
  q.order = [](const json& it) { return it.value("id", ""); };
  if (f.sort == "time") {
    q.limit = f.limit;
    q.cursor = f.cursor;
    Page page = RunMergedQuery(ctx_->store, q);
    for (auto& it : page.items) it = View(it);
    return page;
  }
  // By priority: rank the newest kPriorityWindow incidents, then page by offset.
  constexpr int kPriorityWindow = 2000;
  size_t offset = 0;
  if (!f.cursor.empty()) {
    try {
      offset = std::stoul(f.cursor);
    } catch (const std::exception&) {
      ThrowInvalidField("cursor", "invalid");
    }
  }
  q.limit = kPriorityWindow;
  Page all = RunMergedQuery(ctx_->store, q);
  std::vector<json> items;
  items.reserve(all.items.size());
  for (auto& it : all.items) items.push_back(View(it));
  std::stable_sort(items.begin(), items.end(), [](const json& a, const json& b) {
    return a.value("priority_score", 0) > b.value("priority_score", 0);
  });
  Page page;
  for (size_t i = offset; i < items.size() && page.items.size() < static_cast<size_t>(f.limit); ++i) {
    page.items.push_back(std::move(items[i]));
  }
  if (offset + page.items.size() < items.size()) page.next_cursor = std::to_string(offset + page.items.size());
  return page;
}

json IncidentService::ApplyStatusChange(const Principal& p, const json& cur, const IncidentPatch& patch) {
  const std::string company_id = cur.value("company_id", "");
  const std::string id = cur.value("id", "");
  const std::string from = cur.value("status", "new");
  const int64_t version = cur.value("version", int64_t{0});
  if (patch.version && *patch.version != version) {
    Throw(ErrorKind::kConflict, "stale_version",
          "the incident was changed by someone else (version " + std::to_string(version) + ", you sent " +
              std::to_string(*patch.version) + "); reload it and retry");
  }
  const int64_t now_us = ctx_->clock->NowMicros();
  const std::string now = FormatIso8601Micros(now_us);
  store::UpdateRequest u;
  u.table = t::kIncidents;
  u.key = {company_id, id};
  u.condition.Equals("version", version);
  Deltas kpi;
  const std::string severity = cur.value("severity", "low");
  auto created = ParseIso8601(cur.value("created_at", ""));
  const int64_t age_s = created ? (now_us - *created) / 1'000'000 : 0;
  if (patch.status && *patch.status != from) {
    const std::string& to = *patch.status;
    if (!core::CanTransition(from, to)) {
      auto allowed = core::AllowedTransitions(from);
      std::string list;
      for (const auto& a : allowed) list += (list.empty() ? "" : ", ") + a;
      Throw(ErrorKind::kConflict, "invalid_transition",
            "an incident cannot go from " + from + " to " + to + "; allowed: " + (list.empty() ? "none" : list));
    }
    u.Set("status", to);
    if (to == "acknowledged" && !cur.contains("acknowledged_at")) {
      u.Set("acknowledged_at", now).Set("acknowledged_by", p.user_id);
      kpi["ack_count"] += 1;
      kpi["ack_seconds_total"] += age_s;
    }
    if (to == "in_progress" && !cur.contains("acknowledged_at")) {
      u.Set("acknowledged_at", now).Set("acknowledged_by", p.user_id);
      kpi["ack_count"] += 1;
      kpi["ack_seconds_total"] += age_s;
    }
    if (to == "resolved") {
      u.Set("resolved_at", now).Set("resolved_by", p.user_id);
      kpi["open_" + severity] -= 1;
      kpi["resolve_count"] += 1;
      kpi["resolve_seconds_total"] += age_s;
    }
    if (from == "resolved" && core::IsOpenStatus(to)) {
      u.Set("resolved_at", nullptr).Set("resolved_by", nullptr);
      kpi["open_" + severity] += 1;
    }
    if (to == "closed") u.Set("closed_at", now);
  }
  if (patch.assigned_to) {
    if (patch.assigned_to->empty()) {
      u.Set("assigned_to", nullptr);
    } else {
      u.Set("assigned_to", *patch.assigned_to);
      if (cur.value("assigned_at", json()).is_null()) u.Set("assigned_at", now);
    }
  }
  if (patch.resolution_notes) u.Set("resolution_notes", *patch.resolution_notes);
  u.Set("updated_at", now).Set("version", version + 1);
  list_index::StampUpdate(cur, u);
  auto r = ctx_->store->UpdateItem(u);
  if (r.status().IsConditionFailed()) {
    Throw(ErrorKind::kConflict, "stale_version", "the incident was changed by someone else; reload it and retry");
  }
  ThrowIfError(r.status(), "incident");
  if (!kpi.empty()) kpis_->Add(company_id, kpi);
  Notify("incident_updated", *r);
  return View(*r);
}

json IncidentService::Update(const Principal& p, const std::string& incident_id, const IncidentPatch& patch) {
  std::string cid;
  for (int attempt = 0;; ++attempt) {
    json cur = LoadOwned(p, incident_id, &cid);
    RequireWrite(p, cid);
    try {
      return ApplyStatusChange(p, cur, patch);
    } catch (const ApiError& e) {
      // Without an explicit version, a concurrent change is retried.
      if (e.code() != "stale_version" || patch.version || attempt >= 3) throw;
    }
  }
}

json IncidentService::Acknowledge(const Principal& p, const std::string& incident_id) {
  IncidentPatch patch;
  patch.status = "acknowledged";
  std::string cid;
  json cur = LoadOwned(p, incident_id, &cid);
  RequireWrite(p, cid);
  if (cur.value("status", "") == "acknowledged") return View(cur);
  if (cur.value("assigned_to", json()).is_null()) patch.assigned_to = p.user_id;
  return Update(p, incident_id, patch);
}

json IncidentService::Escalate(const Principal& p, const std::string& incident_id, const std::string& reason) {
  for (int attempt = 0;; ++attempt) {
    std::string cid;
    json cur = LoadOwned(p, incident_id, &cid);
    RequireWrite(p, cid);
    const std::string from = cur.value("status", "new");
    if (!core::IsOpenStatus(from)) {
      Throw(ErrorKind::kConflict, "invalid_transition", "a " + from + " incident cannot be escalated");
    }
    const int64_t version = cur.value("version", int64_t{0});
    const std::string now = ctx_->Now();
    store::UpdateRequest u;
    u.table = t::kIncidents;
    u.key = {cid, incident_id};
    u.condition.Equals("version", version);
    u.Set("status", "escalated")
        .Set("escalated", true)
        .Set("escalation_level", cur.value("escalation_level", 0) + 1)
        .Set("escalated_at", now)
        .Set("escalation_reason", reason.empty() ? "manual escalation by " + p.email : reason)
        .Set("escalated_by", p.user_id)
        .Set("updated_at", now)
        .Set("version", version + 1);
    list_index::StampUpdate(cur, u);
    auto r = ctx_->store->UpdateItem(u);
    if (r.status().IsConditionFailed() && attempt < 3) continue;
    if (r.status().IsConditionFailed()) {
      Throw(ErrorKind::kConflict, "stale_version", "the incident was changed by someone else; retry");
    }
    ThrowIfError(r.status(), "incident");
    Notify("incident_escalated", *r);
    return View(*r);
  }
}

Page IncidentService::Alerts(const Principal& p, const std::string& incident_id, int limit, const std::string& cursor) {
  std::string cid;
  LoadOwned(p, incident_id, &cid);
  MergedQuery q;
  q.table = t::kAlerts;
  q.index = t::kAlertsByIncidentIndex;
  q.partitions = {incident_id};
  q.limit = limit;
  q.cursor = cursor;
  q.order = [](const json& a) { return a.value("timestamp", "") + "|" + a.value("id", ""); };
  Page page = RunMergedQuery(ctx_->store, q);
  for (auto& a : page.items) {
    a.erase("ttl");
    list_index::HideAttrs(a);
  }
  return page;
}

json IncidentService::Stats(const Principal& p, const std::string& company_id, const std::vector<std::string>& all_ids) {
  std::vector<std::string> companies;
  if (!company_id.empty()) {
    RequireSee(p, company_id);
    companies.push_back(company_id);
  } else {
    companies = p.IsMspAdmin() ? all_ids : p.company_ids;
  }
  constexpr int kCountCap = 10000;
  json by_status = json::object();
  json by_severity = {{"critical", 0}, {"high", 0}, {"medium", 0}, {"low", 0}};
  int64_t open = 0;
  bool capped = false;
  for (const std::string& status : core::OpenIncidentStatuses()) {
    int64_t n = 0;
    for (const auto& cid : companies) {
      store::QueryRequest q;
      q.table = t::kIncidents;
      q.index = t::kIncidentsByStatusIndex;
      q.pk = cid;
      q.sk = {store::SortCondition::Op::kEq, status, ""};
      q.limit = 1000;
      auto count = [&](std::vector<store::Item>& items) {
        for (const auto& it : items) {
          ++n;
          std::string sev = it.value("severity", "low");
          if (by_severity.contains(sev)) by_severity[sev] = by_severity[sev].get<int64_t>() + 1;
        }
        if (n < kCountCap) return true;
        capped = true;
        return false;
      };
      ThrowIfError(ForEachPage(ctx_->store, q, count), "incident");
    }
    by_status[status] = n;
    open += n;
  }
  int64_t total = 0, resolved = 0;
  for (const auto& cid : companies) {
    json k = kpis_->Get(cid);
    total += k.value("total_incidents", int64_t{0});
    resolved += k.value("resolved_incidents", int64_t{0});
  }
  return {{"total", total},
          {"open", open},
          {"resolved_total", resolved},
          {"by_status", by_status},
          {"open_by_severity", by_severity},
          {"counts_capped", capped}};
}

std::string IncidentService::LinkIfOpened(const std::string& company_id, const CorrelationInput& in) {
  core::CorrelationConfig cfg = CorrelationConfigFor(company_id);
  if (!cfg.auto_correlate || cfg.min_alerts_for_incident <= 1) return "";
  std::string key = core::CorrelationKey(cfg.aggregation_key, in.asset_name, in.signature, in.tool_source);
  auto ptr = ctx_->store->GetItem({t::kIncidents, ii::PointerKey(company_id, key)});
  if (!ptr.ok()) return "";
  const std::string incident_id = ptr->value("incident_id", "");
  if (incident_id.empty()) return "";
  auto inc = ctx_->store->GetItem({t::kIncidents, {company_id, incident_id}});
  if (!inc.ok()) return "";
  bool member = false;
  for (const auto& id : inc->value("alert_ids", json::array())) member = member || id == in.alert_id;
  if (!member) return "";
  store::UpdateRequest u;
  u.table = t::kAlerts;
  u.key = {company_id, in.alert_id};
  u.condition = store::Condition::ItemExists("company_id");
  u.Set("correlated_incident_id", incident_id);
  ThrowIfError(ctx_->store->UpdateItem(u).status(), "alert");
  return incident_id;
}

std::string IncidentService::ResolveByKey(const std::string& company_id, const CorrelationInput& in) {
  core::CorrelationConfig cfg = CorrelationConfigFor(company_id);
  std::string key = core::CorrelationKey(cfg.aggregation_key, in.asset_name, in.signature, in.tool_source);
  auto ptr = ctx_->store->GetItem({t::kIncidents, ii::PointerKey(company_id, key)});
  const std::string incident_id = ptr.ok() ? ptr->value("incident_id", "") : "";
  // Resolve the matching active alerts: those of the open incident, or, for
  // alerts in no incident, the company's newest ones (bounded either way).
  store::QueryRequest q;
  q.table = t::kAlerts;
  if (incident_id.empty()) {
    q.index = t::kAlertsByTimeIndex;
    q.pk = company_id;
  } else {
    q.index = t::kAlertsByIncidentIndex;
    q.pk = incident_id;
  }
  q.forward = false;
  q.limit = 1000;
  auto alerts = ctx_->store->Query(q);
  ThrowIfError(alerts.status(), "alert");
  const std::string now = ctx_->Now();
  int64_t resolved = 0;
  for (const auto& a : alerts->items) {
    if (!core::RecoveryMatches(core::Alert::FromItem(a), in.asset_name, in.signature)) continue;
    store::UpdateRequest u;
    u.table = t::kAlerts;
    u.key = {company_id, a.value("id", "")};
    u.condition.Equals("status", "active");
    u.Set("status", "resolved").Set("resolved_at", now);
    if (ctx_->store->UpdateItem(u).ok()) ++resolved;
  }
  if (incident_id.empty()) return "";
  for (int attempt = 0; attempt < 8; ++attempt) {
    auto before = ctx_->store->GetItem({t::kIncidents, {company_id, incident_id}});
    if (!before.ok()) return "";
    core::Incident inc = core::Incident::FromItem(*before);
    const int64_t version = inc.version;
    const core::RecoveryDecision d = core::ApplyRecovery(inc, resolved, cfg, ctx_->clock->NowMicros());
    json after = inc.ToItem();
    list_index::StampIncident(after);
    store::UpdateRequest u;
    u.table = t::kIncidents;
    u.key = {company_id, incident_id};
    u.condition.Equals("version", version);
    ii::SetChanged(*before, after, &u);
    auto r = ctx_->store->UpdateItem(u);
    if (r.status().IsConditionFailed()) continue;
    ThrowIfError(r.status(), "incident");
    if (!d.kpis.empty()) {
      Deltas deltas;
      for (const auto& [k, v] : d.kpis) deltas[k] += v;
      kpis_->Add(company_id, deltas);
    }
    Notify("incident_updated", *r);
    return incident_id;
  }
  return incident_id;
}

}  // namespace aw::services
