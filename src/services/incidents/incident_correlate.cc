// Correlation at intake on the conditional path (DynamoDB, and every store
// when the intake pipeline is not used): the executor of core::Correlate.

#include <algorithm>

#include <spdlog/spdlog.h>

#include "base/errors.h"
#include "base/ids.h"
#include "core/correlate.h"
#include "crypto/hash.h"
#include "services/incidents/correlate_local.h"
#include "services/incidents/incident_items.h"
#include "services/incidents/incident_service.h"
#include "services/list_index.h"
#include "services/txn_items.h"
#include "store/tables.h"

namespace aw::services {

namespace t = store::tables;
namespace ii = incident_items;
using nlohmann::json;
using Action = core::CorrelationDecision::Action;

namespace incident_items {

store::Key PointerKey(const std::string& company_id, const std::string& correlation_key) {
  return {company_id + "#corr", "ptr#" + crypto::Sha256Hex(correlation_key).substr(0, 40)};
}

store::Key LocatorKey(const std::string& incident_id) {
  std::string tail = incident_id.size() >= 2 ? incident_id.substr(incident_id.size() - 2) : incident_id;
  return {"_loc#" + tail, incident_id};
}

json Locator(const std::string& company_id, const std::string& incident_id) {
  return {{"company_id", LocatorKey(incident_id).pk}, {"id", incident_id}, {"owner", company_id}};
}

void SetChanged(const json& before, const json& after, store::UpdateRequest* u) {
  for (const auto& [name, value] : after.items()) {
    if (name == "company_id" || name == "id") continue;
    auto it = before.find(name);
    if (it == before.end() || *it != value) u->Set(name, value);
  }
  for (const auto& [name, value] : before.items()) {
    if (!after.contains(name)) u->Remove(name);
  }
}

}  // namespace incident_items

namespace {

Deltas ToDeltas(const core::KpiDeltas& kpis) {
  Deltas d;
  for (const auto& [k, v] : kpis) d[k] += v;
  return d;
}

// A new incident's item: the record, decorated (SLA) and stamped.
json NewIncidentItem(const IncidentService& svc, const core::Incident& inc) {
  json item = inc.ToItem();
  svc.Decorate(inc.company_id, item);
  list_index::StampIncident(item);
  return item;
}

// True when `ids` holds the alert id of every alert of the group. Alert ids
// are new and a group is written in one item write, so on DynamoDB (where the
// writes of one alert are not one atomic unit) this tells that an earlier
// attempt of this very group was applied: a write whose answer was lost (the
// connection reset after the store did it) is retried by the client and
// fails its condition; a sender retries an alert whose own write failed
// after its join. Applying it again would count the alerts twice. (An
// idempotency property of this executor, not a correlation rule: the
// embedded store's unit is atomic and never half-applied.)
bool HoldsAll(const std::vector<std::string>& ids, const std::vector<CorrelationInput>& group) {
  return std::all_of(group.begin(), group.end(), [&ids](const CorrelationInput& a) {
    return std::find(ids.begin(), ids.end(), a.alert_id) != ids.end();
  });
}

// The incident as stored now, when it holds the whole group (see HoldsAll).
std::optional<json> AppliedAlready(store::Store* store, const store::Key& key, const std::vector<CorrelationInput>& group) {
  auto r = store->GetItem({t::kIncidents, key});
  if (!r.ok()) return std::nullopt;
  if (!HoldsAll(core::Incident::FromItem(*r).alert_ids, group)) return std::nullopt;
  return std::move(r).value();
}

// What ApplyGroup reads before it decides: the key's pointer and the
// incident it names (as an item too, to write only what changed).
struct ReadState {
  std::optional<core::CorrelationPointer> pointer;
  std::optional<json> incident_item;
  std::optional<core::Incident> incident;
};

ReadState ReadCorrelation(store::Store* store, const std::string& company_id, const store::Key& ptr_key) {
  ReadState st;
  if (auto r = store->GetItem({t::kIncidents, ptr_key}); r.ok()) {
    st.pointer = core::CorrelationPointer::FromItem(std::move(r).value());
  } else if (!r.status().IsNotFound()) {
    ThrowIfError(r.status(), "correlation pointer");
  }
  if (st.pointer && !st.pointer->incident_id.empty()) {
    auto r = store->GetItem({t::kIncidents, {company_id, st.pointer->incident_id}});
    if (r.ok()) {
      st.incident_item = std::move(r).value();
      st.incident = core::Incident::FromItem(*st.incident_item);
    } else if (!r.status().IsNotFound()) {
      ThrowIfError(r.status(), "incident");
    }
  }
  return st;
}

// A new incident, and its locator unless its id carries the company's tag
// (incident_tags.h). The incident is written only if absent, also when we
// own the pointer: another replica that read the pointer before this
// incident existed takes it for a crash and repairs it; whoever writes first
// wins, the other joins. (An unconditional write here lost that replica's
// alert from the count.) ConditionFailed: read again.
Status PutOpened(store::Store* store, IncidentTags& tags, const std::string& company_id, const json& item) {
  Status put = store->PutItem({t::kIncidents, item, store::Condition::ItemNotExists("company_id"), true});
  if (!put.ok()) return put;
  const std::string id = item["id"].get<std::string>();
  if (tags.Tagged(company_id, id)) return put;
  return store->PutItem({t::kIncidents, ii::Locator(company_id, id), {}, true});
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
  const std::string slot = company_id + '\n' + key;
  CorrelationResult r =
      joins_.Submit(slot, CorrelationInput(in),
                    [this, company_id, key](const std::string&, std::vector<CorrelationInput>& group) {
                      return ApplyGroup(company_id, key, group);
                    });
  if (!r.incident_id.empty()) {
    std::lock_guard<std::mutex> lock(expect_mu_);
    if (expected_.size() >= 100'000) expected_.clear();
    expected_[slot] = r.incident_id;
  }
  return r;
}

std::string IncidentService::ExpectIncident(const std::string& company_id, CorrelationInput* in) {
  const core::CorrelationConfig cfg = CorrelationConfigFor(company_id);
  if (!cfg.auto_correlate || cfg.min_alerts_for_incident > 1) return "";
  in->new_incident_id = tags_.NewIncidentId(company_id, ctx_->clock->NowMicros());
  const std::string key =
      core::CorrelationKey(cfg.aggregation_key, in->asset_name, in->signature, in->tool_source);
  std::lock_guard<std::mutex> lock(expect_mu_);
  auto it = expected_.find(company_id + '\n' + key);
  return it != expected_.end() ? it->second : in->new_incident_id;
}

std::vector<CorrelationResult> IncidentService::ApplyGroup(const std::string& company_id,
                                                           const std::string& key,
                                                           std::vector<CorrelationInput>& group) {
  const core::CorrelationConfig cfg = CorrelationConfigFor(company_id);
  const store::Key ptr_key = ii::PointerKey(company_id, key);
  for (int attempt = 0; attempt < 16; ++attempt) {
    const int64_t now_us = ctx_->clock->NowMicros();
    ReadState st = ReadCorrelation(ctx_->store, company_id, ptr_key);
    const auto& ptr = st.pointer;
    const auto& inc = st.incident;
    if (inc && HoldsAll(inc->alert_ids, group)) {  // joined already (see HoldsAll)
      return std::vector<CorrelationResult>(group.size(), {inc->id, false});
    }
    const core::CorrelationTarget target{company_id, *ptr_key.sk,
                                         [&] { return tags_.NewIncidentId(company_id, now_us); }};
    core::CorrelationDecision d = core::Correlate(ptr, inc, group, cfg, target, now_us);

    if (d.action == Action::kJoin) {
      json after = d.incident->ToItem();
      list_index::StampIncident(after);
      store::UpdateRequest u;
      u.table = t::kIncidents;
      u.key = {company_id, d.incident_id};
      u.condition.Equals("version", inc->version);
      ii::SetChanged(*st.incident_item, after, &u);
      u.defer_sync = true;  // the intake syncs once at the end
      auto r = ctx_->store->UpdateItem(u);
      if (r.status().IsConditionFailed()) {
        auto applied = AppliedAlready(ctx_->store, u.key, group);
        if (!applied) continue;  // changed meanwhile: read again
        r = std::move(*applied);  // our own earlier attempt was applied (its answer was lost)
      }
      ThrowIfError(r.status(), "incident");
      if (!d.kpis.empty()) kpis_->Add(company_id, ToDeltas(d.kpis));
      Notify(d.event, *r);
      return std::vector<CorrelationResult>(group.size(), {d.incident_id, false});
    }
    // The pointer is written only over the version that was read (or where
    // there was none), so of two writers opening the same key one wins and
    // the other reads again and joins.
    store::Condition ptr_cond;
    if (ptr) {
      ptr_cond.Equals("version", ptr->version);
    } else {
      ptr_cond = store::Condition::ItemNotExists("company_id");
    }
    if (d.pointer) {
      Status s = ctx_->store->PutItem({t::kIncidents, d.pointer->ToItem(), ptr_cond, /*defer_sync=*/true});
      if (s.IsConditionFailed() && d.action == Action::kGather) {
        // Gathered already by an attempt whose answer was lost?
        auto again = ctx_->store->GetItem({t::kIncidents, ptr_key});
        if (again.ok() && HoldsAll(core::CorrelationPointer::FromItem(std::move(again).value()).pending_ids, group)) {
          s = Status::OK();
        }
      }
      if (s.IsConditionFailed()) continue;
      ThrowIfError(s, "correlation pointer");
    }
    if (d.action == Action::kGather) return std::vector<CorrelationResult>(group.size(), CorrelationResult{});

    // Open or repair.
    json item = NewIncidentItem(*this, *d.incident);
    Status put = PutOpened(ctx_->store, tags_, company_id, item);
    if (put.IsConditionFailed()) {
      // Written concurrently (then join it), or by our own attempt whose
      // answer was lost (then finish the opening: the locator, if it needs one).
      if (!AppliedAlready(ctx_->store, {company_id, d.incident_id}, group)) continue;
      put = tags_.Tagged(company_id, d.incident_id)
                ? Status::OK()
                : ctx_->store->PutItem({t::kIncidents, ii::Locator(company_id, d.incident_id), {}, true});
    }
    ThrowIfError(put, "incident");
    kpis_->Add(company_id, ToDeltas(d.kpis));
    for (const auto& pid : d.linked_alert_ids) {
      store::UpdateRequest au;
      au.table = t::kAlerts;
      au.key = {company_id, pid};
      au.condition = store::Condition::ItemExists("company_id");
      au.Set("correlated_incident_id", d.incident_id);
      au.defer_sync = true;
      (void)ctx_->store->UpdateItem(au);
    }
    Notify(d.event, std::move(item));
    // Only the first alert of the group opened it; the others joined.
    std::vector<CorrelationResult> out(group.size(), {d.incident_id, false});
    out.front().created = true;
    return out;
  }
  Throw(ErrorKind::kUnavailable, "correlation_contention",
        "the incident for this alert is changing too fast; retry shortly", 1);
}

CorrelationResult CorrelateLocal(const IncidentService& incidents, TxnItems& items,
                                 const std::string& company_id, const core::CorrelationConfig& cfg,
                                 const CorrelationInput& in, int64_t now_us, LocalEffects* fx) {
  if (!cfg.auto_correlate) return {};
  const std::string key =
      core::CorrelationKey(cfg.aggregation_key, in.asset_name, in.signature, in.tool_source);
  const store::Key ptr_key = ii::PointerKey(company_id, key);
  std::optional<core::CorrelationPointer> ptr;
  if (const json* p = items.Get(t::kIncidents, ptr_key)) ptr = core::CorrelationPointer::FromItem(*p);
  json* inc_item = nullptr;
  std::optional<core::Incident> inc;
  if (ptr && !ptr->incident_id.empty()) {
    inc_item = items.Get(t::kIncidents, {company_id, ptr->incident_id});
    if (inc_item) inc = core::Incident::FromItem(*inc_item);
  }
  const core::CorrelationTarget target{company_id, *ptr_key.sk, [now_us] { return NewId(now_us); }};
  core::CorrelationDecision d = core::Correlate(ptr, inc, {in}, cfg, target, now_us);
  if (!d.kpis.empty()) fx->kpis.emplace_back(company_id, ToDeltas(d.kpis));
  if (d.action == Action::kJoin) {
    *inc_item = d.incident->ToItem();
    list_index::StampIncident(*inc_item);
    items.Touch(t::kIncidents, {company_id, d.incident_id});
    fx->changed.try_emplace(d.incident_id, company_id, d.event);  // created in this unit: stays "created"
    return {d.incident_id, false};
  }
  if (d.pointer) items.Put(t::kIncidents, ptr_key, d.pointer->ToItem());
  if (d.action == Action::kGather) return {};
  items.Put(t::kIncidents, {company_id, d.incident_id}, NewIncidentItem(incidents, *d.incident));
  items.Put(t::kIncidents, ii::LocatorKey(d.incident_id), ii::Locator(company_id, d.incident_id));
  fx->changed[d.incident_id] = {company_id, d.event};
  for (const auto& pid : d.linked_alert_ids) {
    const store::Key ak{company_id, pid};
    if (json* a = items.Get(t::kAlerts, ak)) {
      (*a)["correlated_incident_id"] = d.incident_id;
      items.Touch(t::kAlerts, ak);
    }
  }
  return {d.incident_id, true};
}

void IncidentService::AnnounceLocal(std::vector<std::pair<std::string, nlohmann::json>> changes) {
  for (auto& [type, item] : changes) Notify(type, std::move(item));
}

}  // namespace aw::services
