#include "services/list_index.h"

#include <algorithm>
#include <cstdio>

#include "core/incident_status.h"
#include "core/priority.h"
#include "core/severity.h"
#include "store/item_ops.h"
#include "store/tables.h"

namespace aw::services::list_index {

namespace t = store::tables;
using nlohmann::json;

namespace {

constexpr const char* kIncidentAttrs[] = {"time_shard", "open_shard", "queue_key"};
constexpr const char* kAlertAttrs[] = {"time_shard", "time_key"};
// What the derived attributes are computed from (the back-fill's condition).
// Scalars only (a list compared with = is not portable across DynamoDB
// implementations); `version` changes with every join, which is what changes
// `tool_sources`.
constexpr const char* kIncidentInputs[] = {"status", "version", "severity", "critical_asset", "alert_count"};
constexpr const char* kAlertInputs[] = {"timestamp"};

const store::TableSpec& IncidentsSpec() {
  static const store::TableSpec* spec = [] {
    for (const auto& s : t::All()) {
      if (s.name == t::kIncidents) return &s;
    }
    return static_cast<const store::TableSpec*>(nullptr);
  }();
  return *spec;
}

bool NonEmptyString(const json& item, const char* attr) {
  auto it = item.find(attr);
  return it != item.end() && it->is_string() && !it->get_ref<const std::string&>().empty();
}

// The attributes among `attrs` whose value differs between `a` and `b`
// (absent counts as a value).
template <size_t N>
bool Differs(const json& a, const json& b, const char* const (&attrs)[N]) {
  for (const char* k : attrs) {
    const bool in_a = a.contains(k), in_b = b.contains(k);
    if (in_a != in_b || (in_a && a[k] != b[k])) return true;
  }
  return false;
}

}  // namespace

int ShardOf(const std::string& id) {
  uint32_t h = 2166136261u;  // FNV-1a: stable across builds and platforms
  for (unsigned char c : id) {
    h ^= c;
    h *= 16777619u;
  }
  return static_cast<int>(h % kShards);
}

int QueuePriority(const json& inc) {
  core::PriorityInput in;
  in.severity = core::ParseSeverity(inc.value("severity", "low")).value_or(core::Severity::kLow);
  auto crit = inc.find("critical_asset");
  in.critical_asset = crit != inc.end() && crit->is_boolean() && crit->get<bool>();
  auto count = inc.find("alert_count");
  in.alert_count = count != inc.end() && count->is_number() ? count->get<int64_t>() : 1;
  auto tools = inc.find("tool_sources");
  in.tool_count = tools != inc.end() && tools->is_array() ? static_cast<int>(tools->size()) : 0;
  in.age_hours = 0;
  return std::clamp(core::PriorityScore(in), 0, 999);
}

void StampIncident(json& inc) {
  const std::string id = inc.value("id", "");
  if (id.empty()) return;
  const std::string shard = std::to_string(ShardOf(id));
  inc["time_shard"] = "t#" + shard;
  auto status = inc.find("status");
  if (status != inc.end() && status->is_string() &&
      core::IsOpenStatus(status->get_ref<const std::string&>())) {
    char prio[8];
    std::snprintf(prio, sizeof prio, "%03d", QueuePriority(inc));
    inc["open_shard"] = "open#" + shard;
    inc["queue_key"] = std::string(prio) + "#" + id;
  } else {
    inc.erase("open_shard");
    inc.erase("queue_key");
  }
}

void StampAlert(json& alert) {
  const std::string id = alert.value("id", "");
  if (id.empty() || !NonEmptyString(alert, "timestamp")) return;
  alert["time_shard"] = "t#" + std::to_string(ShardOf(id));
  alert["time_key"] = alert["timestamp"].get<std::string>() + "#" + id;
}

void StampUpdate(const json& current, store::UpdateRequest& u) {
  auto& acts = u.actions;
  acts.erase(std::remove_if(acts.begin(), acts.end(),
                            [](const store::UpdateAction& a) {
                              return std::find_if(std::begin(kIncidentAttrs), std::end(kIncidentAttrs),
                                                  [&](const char* k) { return a.attribute == k; }) !=
                                     std::end(kIncidentAttrs);
                            }),
             acts.end());
  auto after = store::ApplyUpdate(IncidentsSpec(), u.key, &current, acts);
  if (!after.ok()) return;  // the store will refuse the update with the same error
  json next = std::move(after).value();
  StampIncident(next);
  for (const char* k : kIncidentAttrs) {
    const bool had = current.contains(k), has = next.contains(k);
    if (has && (!had || current[k] != next[k])) u.Set(k, next[k]);
    if (had && !has) u.Remove(k);
  }
}

void HideAttrs(json& item) {
  for (const char* k : kIncidentAttrs) item.erase(k);
  for (const char* k : kAlertAttrs) item.erase(k);
  // Not derived, but plumbing too: an alert stored whose join is still to be
  // completed by its retry (DynamoDB intake, alert_claim_path.cc).
  item.erase("join_pending");
}

void DropDeletedCompanies(store::Store* st, std::vector<json>* items) {
  if (items->empty()) return;
  std::vector<std::string> ids;
  for (const auto& it : *items) ids.push_back(it.value("company_id", ""));
  std::sort(ids.begin(), ids.end());
  ids.erase(std::unique(ids.begin(), ids.end()), ids.end());
  std::vector<std::string> live;
  for (size_t i = 0; i < ids.size(); i += store::kMaxBatchGet) {
    std::vector<store::Key> keys;
    for (size_t j = i; j < ids.size() && j < i + store::kMaxBatchGet; ++j) {
      if (!ids[j].empty()) keys.push_back({ids[j], std::nullopt});
    }
    auto found = st->BatchGetItem(t::kCompanies, keys);
    if (!found.ok()) return;  // a list never fails for this: show what was read
    for (const auto& c : *found) live.push_back(c.value("id", ""));
  }
  std::sort(live.begin(), live.end());
  if (live.size() == ids.size()) return;
  std::erase_if(*items, [&](const json& it) {
    return !std::binary_search(live.begin(), live.end(), it.value("company_id", ""));
  });
}

bool IsIncident(const json& item) {
  const std::string pk = item.value("company_id", "");
  return !pk.empty() && pk.find('#') == std::string::npos && item.contains("status") &&
         item.contains("created_at");
}

bool IsAlert(const json& item) {
  const std::string id = item.value("id", "");
  return !id.empty() && id.rfind("dlv#", 0) != 0 && NonEmptyString(item, "timestamp");
}

namespace {

// One table's pass: every item `is` selects is re-stamped by `stamp` and
// written back (only its derived attributes) when they changed.
template <size_t N, size_t M>
Status Pass(store::Store* st, const char* table, bool (*is)(const json&), void (*stamp)(json&),
            const char* const (&attrs)[N], const char* const (&inputs)[M], int64_t* seen, int64_t* fixed) {
  const store::TableSpec* spec = st->FindTable(table);
  if (spec == nullptr) return Status::NotFound(std::string("no table ") + table);
  std::string token;
  do {
    store::ScanRequest sr;
    sr.table = table;
    sr.limit = 500;
    sr.page_token = token;
    auto page = st->Scan(sr);
    if (!page.ok()) return page.status();
    for (const auto& item : page->items) {
      if (!is(item)) continue;
      ++*seen;
      json want = item;
      stamp(want);
      if (!Differs(item, want, attrs)) continue;
      auto key = spec->KeyOf(item);
      if (!key.ok()) continue;
      store::UpdateRequest u;
      u.table = table;
      u.key = *key;
      u.condition = store::Condition::ItemExists(spec->pk);
      // Conditional on what the derivation read: a concurrent change wins,
      // and it stamps the item itself.
      for (const char* k : inputs) {
        if (item.contains(k)) u.condition.Equals(k, item[k]);
      }
      for (const char* k : attrs) {
        if (want.contains(k)) {
          u.Set(k, want[k]);
        } else if (item.contains(k)) {
          u.Remove(k);
        }
      }
      u.defer_sync = true;
      auto r = st->UpdateItem(u);
      if (r.ok()) {
        ++*fixed;
      } else if (!r.status().IsConditionFailed()) {
        return r.status();
      }
    }
    token = page->next_page_token;
  } while (!token.empty());
  return st->Sync();
}

}  // namespace

Result<BackfillStats> Backfill(store::Store* st) {
  BackfillStats s;
  if (Status e = Pass(st, t::kIncidents, &IsIncident, &StampIncident, kIncidentAttrs, kIncidentInputs,
                      &s.incidents_seen, &s.incidents_fixed);
      !e.ok()) {
    return e;
  }
  if (Status e = Pass(st, t::kAlerts, &IsAlert, &StampAlert, kAlertAttrs, kAlertInputs, &s.alerts_seen,
                      &s.alerts_fixed);
      !e.ok()) {
    return e;
  }
  return s;
}

}  // namespace aw::services::list_index
