// Silences, maintenance windows, inhibition rules and the per-company
// snapshot intake decides with (the decision itself: core/suppression.h).

#include "services/noise_service.h"

#include <algorithm>
#include <set>

#include <spdlog/spdlog.h>

#include "base/errors.h"
#include "base/ids.h"
#include "base/time_format.h"
#include "core/business_time.h"
#include "crypto/hash.h"
#include "services/tz_database.h"
#include "store/tables.h"

namespace aw::services {

namespace t = store::tables;
using nlohmann::json;

namespace {

constexpr const char* kSilencePrefix = "silence#";
constexpr const char* kWindowPrefix = "maint#";
constexpr const char* kSourcePrefix = "inhsrc#";
constexpr const char* kInhibitionConfig = "inhibition_rules";
constexpr size_t kMaxRules = 50;
constexpr size_t kMaxItemsLoaded = 5000;  // per kind and company, on the intake path
constexpr int64_t kMaxSpanSeconds = int64_t{366} * 86400 * 10;

[[noreturn]] void Refuse(const core::FieldError& e) { ThrowInvalidField(e.field, e.message); }

std::optional<int64_t> SecondsAt(const json& o, const char* f) {
  auto it = o.find(f);
  if (it == o.end() || !it->is_string()) return std::nullopt;
  auto us = ParseIso8601(it->get<std::string>());
  if (!us) return std::nullopt;
  return *us / 1'000'000;
}

std::optional<core::FieldError> SilenceFromItem(const json& item, core::Silence* s) {
  if (auto e = core::ParseMatchers(item.value("matchers", json()), "matchers", true, &s->matchers)) return e;
  auto starts = SecondsAt(item, "starts_at");
  auto ends = SecondsAt(item, "ends_at");
  if (!starts) return core::FieldError{"starts_at", "must be an ISO-8601 date-time, e.g. 2026-01-31T12:00:00Z"};
  if (!ends) return core::FieldError{"ends_at", "must be an ISO-8601 date-time, e.g. 2026-01-31T14:00:00Z"};
  if (*ends <= *starts) return core::FieldError{"ends_at", "must be after starts_at"};
  s->starts_s = *starts;
  s->ends_s = *ends;
  s->id = item.value("id", "");
  return std::nullopt;
}

// A window item (or request body) -> the core window. Field names as in the API.
std::optional<core::FieldError> WindowFromItem(const json& item, core::MaintenanceWindow* w) {
  const json type = item.value("type", json("one_off"));
  if (!type.is_string() || (type != "one_off" && type != "weekly")) {
    return core::FieldError{"type", "must be one_off or weekly"};
  }
  w->id = item.value("id", "");
  w->weekly = type == "weekly";
  if (!w->weekly) {
    auto starts = SecondsAt(item, "starts_at");
    auto ends = SecondsAt(item, "ends_at");
    if (!starts) return core::FieldError{"starts_at", "must be an ISO-8601 date-time, e.g. 2026-01-31T22:00:00Z"};
    if (!ends) return core::FieldError{"ends_at", "must be an ISO-8601 date-time, e.g. 2026-02-01T02:00:00Z"};
    if (*ends <= *starts) return core::FieldError{"ends_at", "must be after starts_at"};
    if (*ends - *starts > kMaxSpanSeconds) return core::FieldError{"ends_at", "must be at most ten years after starts_at"};
    w->start_s = *starts;
    w->end_s = *ends;
  } else {
    const json days = item.value("days", json());
    if (!days.is_array() || days.empty() || days.size() > 7) {
      return core::FieldError{"days", "must be a non-empty list of days (0 = Monday .. 6 = Sunday)"};
    }
    w->days = {};
    for (const auto& d : days) {
      if (!d.is_number_integer() || d.get<int64_t>() < 0 || d.get<int64_t>() > 6) {
        return core::FieldError{"days", "must hold days 0 (Monday) to 6 (Sunday)"};
      }
      w->days[d.get<size_t>()] = true;
    }
    for (const char* f : {"start_time", "end_time"}) {
      const json v = item.value(f, json());
      std::optional<int> m;
      if (v.is_string()) m = core::ParseHhMm(v.get<std::string>());
      if (!m) return core::FieldError{f, "must be a local time HH:MM (00:00 to 23:59)"};
      (std::string(f) == "start_time" ? w->start_minute : w->end_minute) = *m;
    }
    const json tz = item.value("timezone", json("UTC"));
    w->tz = tz.is_string() ? FindTimeZone(tz.get<std::string>()) : nullptr;
    if (w->tz == nullptr) return core::FieldError{"timezone", "unknown time zone (use an IANA name such as Europe/Berlin)"};
  }
  w->assets.clear();
  const json assets = item.value("assets", json::array());
  if (!assets.is_array() || assets.size() > 1000) {
    return core::FieldError{"assets", "must be a list of at most 1000 asset names (empty: the whole company)"};
  }
  for (const auto& a : assets) {
    if (!a.is_string() || a.get<std::string>().empty() || a.get<std::string>().size() > 256) {
      return core::FieldError{"assets", "must hold asset names (1 to 256 characters)"};
    }
    w->assets.push_back(a.get<std::string>());
  }
  return std::nullopt;
}

std::optional<core::FieldError> RulesFromJson(const json& rules, std::vector<core::InhibitionRule>* out) {
  out->clear();
  if (!rules.is_array()) return core::FieldError{"rules", "must be a list of {source_matchers, target_matchers, equal}"};
  if (rules.size() > kMaxRules) return core::FieldError{"rules", "must hold at most " + std::to_string(kMaxRules) + " rules"};
  for (size_t i = 0; i < rules.size(); ++i) {
    const std::string at = "rules[" + std::to_string(i) + "]";
    const json& r = rules[i];
    if (!r.is_object()) return core::FieldError{at, "must be an object {source_matchers, target_matchers, equal}"};
    core::InhibitionRule rule;
    if (auto e = core::ParseMatchers(r.value("source_matchers", json()), at + ".source_matchers", true, &rule.source)) return e;
    if (auto e = core::ParseMatchers(r.value("target_matchers", json()), at + ".target_matchers", true, &rule.target)) return e;
    const json equal = r.value("equal", json::array());
    if (!equal.is_array() || equal.size() > 32) return core::FieldError{at + ".equal", "must be a list of at most 32 label names"};
    for (const auto& n : equal) {
      if (!n.is_string() || n.get<std::string>().empty() || n.get<std::string>().size() > 256) {
        return core::FieldError{at + ".equal", "must hold label names (asset, signature, severity, tool, or a label)"};
      }
      rule.equal.push_back(n.get<std::string>());
    }
    out->push_back(std::move(rule));
  }
  return std::nullopt;
}

json RuleToJson(const core::InhibitionRule& r) {
  return {{"source_matchers", core::MatchersToJson(r.source)},
          {"target_matchers", core::MatchersToJson(r.target)},
          {"equal", r.equal}};
}

std::optional<std::string> OptionalText(const json& body, const char* f, size_t max) {
  auto it = body.find(f);
  if (it == body.end() || it->is_null()) return std::nullopt;
  if (!it->is_string() || it->get<std::string>().size() > max) {
    ThrowInvalidField(f, "must be a string of at most " + std::to_string(max) + " characters");
  }
  return it->get<std::string>();
}

json Strip(json item) {
  item.erase("config_type");
  return item;
}

}  // namespace

// ---------------------------------------------------------------- snapshot

std::shared_ptr<const NoiseService::Snapshot> NoiseService::SnapshotOf(const std::string& company_id) {
  const int64_t now = ctx_->clock->NowMicros();
  {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = snapshots_.find(company_id);
    if (it != snapshots_.end() && (ttl_us_ == 0 || now - it->second->loaded_us < ttl_us_)) return it->second;
  }
  return Load(company_id);
}

std::vector<json> NoiseService::QueryPrefix(const std::string& company_id, const std::string& prefix,
                                            size_t max_items) {
  std::vector<json> out;
  store::QueryRequest q;
  q.table = t::kCompanyConfigs;
  q.pk = company_id;
  q.sk = {store::SortCondition::Op::kBeginsWith, prefix, ""};
  do {
    auto r = ctx_->store->Query(q);
    ThrowIfError(r.status(), "noise settings");
    for (auto& it : r->items) out.push_back(std::move(it));
    q.page_token = r->next_page_token;
  } while (!q.page_token.empty() && out.size() < max_items);
  return out;
}

std::shared_ptr<const NoiseService::Snapshot> NoiseService::Load(const std::string& company_id) {
  auto snap = std::make_shared<Snapshot>();
  snap->loaded_us = ctx_->clock->NowMicros();
  const int64_t now_s = snap->loaded_us / 1'000'000;
  for (const auto& item : QueryPrefix(company_id, kSilencePrefix, kMaxItemsLoaded)) {
    core::Silence s;
    if (auto e = SilenceFromItem(item, &s)) {
      spdlog::warn("noise: silence {} of company {} is unreadable ({}: {}); ignored", item.value("id", ""), company_id,
                   e->field, e->message);
      continue;
    }
    if (s.ends_s > now_s) snap->rules.silences.push_back(std::move(s));
  }
  for (const auto& item : QueryPrefix(company_id, kWindowPrefix, kMaxItemsLoaded)) {
    core::MaintenanceWindow w;
    if (auto e = WindowFromItem(item, &w)) {
      spdlog::warn("noise: maintenance window {} of company {} is unreadable ({}: {}); ignored", item.value("id", ""),
                   company_id, e->field, e->message);
      continue;
    }
    snap->rules.windows.push_back(std::move(w));
  }
  auto rules = ctx_->store->GetItem({t::kCompanyConfigs, {company_id, kInhibitionConfig}});
  if (rules.ok()) {
    if (auto e = RulesFromJson(rules->value("rules", json::array()), &snap->rules.inhibition)) {
      spdlog::warn("noise: inhibition rules of company {} are unreadable ({}: {}); ignored", company_id, e->field,
                   e->message);
      snap->rules.inhibition.clear();
    }
  } else if (!rules.status().IsNotFound()) {
    ThrowIfError(rules.status(), "inhibition rules");
  }
  if (!snap->rules.inhibition.empty()) {
    for (const auto& item : QueryPrefix(company_id, kSourcePrefix, kMaxItemsLoaded)) {
      core::InhibitionSource src;
      src.alert_id = item.value("alert_id", "");
      src.facts.asset = item.value("asset", "");
      src.facts.signature = item.value("signature", "");
      src.facts.severity = item.value("severity", "");
      src.facts.tool = item.value("tool", "");
      src.facts.labels = core::LabelsFromMetadata(json{{"labels", item.value("labels", json::object())}});
      snap->sources.push_back(std::move(src));
    }
  }
  std::shared_ptr<const Snapshot> out = std::move(snap);
  std::lock_guard<std::mutex> lock(mu_);
  if (snapshots_.size() > 100000) snapshots_.clear();
  snapshots_[company_id] = out;
  return out;
}

void NoiseService::Invalidate(const std::string& company_id) {
  std::lock_guard<std::mutex> lock(mu_);
  snapshots_.erase(company_id);
}

// ------------------------------------------------------------------ intake

core::SuppressionDecision NoiseService::Decide(const std::string& company_id, const std::string& asset,
                                               const std::string& signature, const std::string& severity,
                                               const std::string& tool, const json& metadata, int64_t now_us,
                                               core::MatchFacts* facts) {
  auto snap = SnapshotOf(company_id);
  if (snap->rules.empty()) return {};
  facts->asset = asset;
  facts->signature = signature;
  facts->severity = severity;
  facts->tool = tool;
  facts->labels = core::LabelsFromMetadata(metadata);
  return core::DecideSuppression(*facts, snap->rules, snap->sources, now_us / 1'000'000);
}

void NoiseService::Mark(json& alert, const core::SuppressionDecision& d) {
  switch (d.by) {
    case core::SuppressedBy::kNone: return;
    case core::SuppressedBy::kSilence: alert["silenced_by"] = d.id; break;
    case core::SuppressedBy::kMaintenance: alert["maintenance_window_id"] = d.id; break;
    case core::SuppressedBy::kInhibition: alert["inhibited_by"] = d.id; break;
  }
  alert["suppressed"] = core::SuppressedByName(d.by);
}

const char* NoiseService::KpiCounter(core::SuppressedBy by) {
  switch (by) {
    case core::SuppressedBy::kSilence: return "suppressed_silence";
    case core::SuppressedBy::kMaintenance: return "suppressed_maintenance";
    case core::SuppressedBy::kInhibition: return "suppressed_inhibition";
    case core::SuppressedBy::kNone: break;
  }
  return "";
}

store::Key NoiseService::SourceKey(const std::string& company_id, const std::string& alert_id,
                                   const core::MatchFacts& f) const {
  return {company_id, std::string(kSourcePrefix) + crypto::Sha256Hex(f.asset + '\n' + f.signature) + "#" + alert_id};
}

json NoiseService::NoteSource(const std::string& company_id, const std::string& alert_id, const core::MatchFacts& f) {
  const store::Key key = SourceKey(company_id, alert_id, f);
  json item = {{"company_id", key.pk}, {"config_type", key.sk.value_or("")}, {"alert_id", alert_id},
               {"asset", f.asset}, {"signature", f.signature}, {"severity", f.severity}, {"tool", f.tool},
               {"labels", json(f.labels)}, {"created_at", ctx_->Now()}};
  std::lock_guard<std::mutex> lock(mu_);
  auto it = snapshots_.find(company_id);
  if (it != snapshots_.end()) {
    auto copy = std::make_shared<Snapshot>(*it->second);  // copy on write: readers keep theirs
    copy->sources.push_back({alert_id, f});
    it->second = std::move(copy);
  }
  return item;
}

void NoiseService::OnRecovery(const std::string& company_id, const std::string& asset, const std::string& signature) {
  auto snap = SnapshotOf(company_id);
  if (snap->rules.inhibition.empty()) return;
  const std::string prefix = std::string(kSourcePrefix) + crypto::Sha256Hex(asset + '\n' + signature) + "#";
  for (const auto& item : QueryPrefix(company_id, prefix, kMaxItemsLoaded)) {
    Status s = ctx_->store->DeleteItem({t::kCompanyConfigs, {company_id, item.value("config_type", "")}, {}});
    if (!s.ok()) spdlog::warn("noise: inhibition source of company {} not removed: {}", company_id, s.ToString());
  }
  std::lock_guard<std::mutex> lock(mu_);
  auto it = snapshots_.find(company_id);
  if (it != snapshots_.end()) {
    auto copy = std::make_shared<Snapshot>(*it->second);
    std::erase_if(copy->sources, [&](const core::InhibitionSource& s) {
      return s.facts.asset == asset && s.facts.signature == signature;
    });
    it->second = std::move(copy);
  }
}

int64_t NoiseService::ExtendDeadline(const std::string& company_id, const std::string& asset, int64_t from_s,
                                     int64_t due_s) {
  auto snap = SnapshotOf(company_id);
  if (snap->rules.windows.empty()) return due_s;
  return core::ExtendForMaintenance(snap->rules.windows, asset, from_s, due_s);
}

// ---------------------------------------------------------------- listing

Page NoiseService::ListPrefix(const std::string& company_id, const std::string& prefix, int limit,
                              const std::string& cursor) {
  // Ids are UUIDv7 (hex and dashes): "~" sorts after each of them.
  store::QueryRequest q;
  q.table = t::kCompanyConfigs;
  q.pk = company_id;
  q.sk = {store::SortCondition::Op::kBetween, prefix + cursor, prefix + "~"};
  q.limit = limit + 1;
  Page page;
  while (page.items.size() < static_cast<size_t>(limit) + 1) {
    auto r = ctx_->store->Query(q);
    ThrowIfError(r.status(), "noise settings");
    for (auto& it : r->items) {
      if (!cursor.empty() && it.value("id", "") == cursor) continue;
      page.items.push_back(std::move(it));
    }
    if (r->next_page_token.empty()) break;
    q.page_token = r->next_page_token;
  }
  if (page.items.size() > static_cast<size_t>(limit)) {
    page.items.resize(static_cast<size_t>(limit));
    page.next_cursor = page.items.back().value("id", "");
  }
  return page;
}

// ----------------------------------------------------------------- silences

Page NoiseService::ListSilences(const std::string& company_id, int limit, const std::string& cursor) {
  Page page = ListPrefix(company_id, kSilencePrefix, limit, cursor);
  const int64_t now_s = ctx_->clock->NowSeconds();
  for (auto& it : page.items) {
    it = Strip(std::move(it));
    auto s = SecondsAt(it, "starts_at").value_or(0), e = SecondsAt(it, "ends_at").value_or(0);
    it["status"] = now_s < s ? "pending" : now_s < e ? "active" : "expired";
  }
  return page;
}

json NoiseService::CreateSilence(const Principal& p, const std::string& company_id, const json& body) {
  const int64_t now_us = ctx_->clock->NowMicros();
  json item = {{"matchers", body.value("matchers", json())},
               {"starts_at", body.contains("starts_at") && !body["starts_at"].is_null() ? body["starts_at"]
                                                                                        : json(FormatIso8601Seconds(now_us / 1'000'000))},
               {"ends_at", body.value("ends_at", json())}};
  core::Silence s;
  if (auto e = SilenceFromItem(item, &s)) Refuse(*e);
  if (s.ends_s <= now_us / 1'000'000) ThrowInvalidField("ends_at", "must be in the future");
  if (s.ends_s - s.starts_s > kMaxSpanSeconds) ThrowInvalidField("ends_at", "must be at most ten years after starts_at");
  const std::string id = NewId(now_us);
  item = {{"company_id", company_id},
          {"config_type", kSilencePrefix + id},
          {"id", id},
          {"matchers", core::MatchersToJson(s.matchers)},
          {"starts_at", FormatIso8601Seconds(s.starts_s)},
          {"ends_at", FormatIso8601Seconds(s.ends_s)},
          {"comment", OptionalText(body, "comment", 2000).value_or("")},
          {"created_by", p.user_id},
          {"created_by_email", p.email},
          {"created_at", ctx_->Now()}};
  ThrowIfError(ctx_->store->PutItem({t::kCompanyConfigs, item, store::Condition::ItemNotExists("company_id")}),
               "silence");
  Invalidate(company_id);
  item = Strip(std::move(item));
  item["status"] = now_us / 1'000'000 < s.starts_s ? "pending" : "active";
  return item;
}

json NoiseService::DeleteSilence(const std::string& company_id, const std::string& silence_id) {
  store::DeleteRequest d{t::kCompanyConfigs, {company_id, kSilencePrefix + silence_id},
                         store::Condition::ItemExists("company_id")};
  Status s = ctx_->store->DeleteItem(d);
  if (s.IsConditionFailed() || s.IsNotFound()) ThrowNotFound("silence");
  ThrowIfError(s, "silence");
  Invalidate(company_id);
  return {{"id", silence_id}, {"company_id", company_id}, {"status", "expired"}, {"expired_at", ctx_->Now()}};
}

// --------------------------------------------------------------- windows

std::string NoiseService::DefaultTimeZone(const std::string& company_id) {
  // The company's time zone is that of its SLA business hours.
  if (auto sla = configs_->Get(company_id, "sla"); sla && sla->is_object()) {
    const json bh = sla->value("business_hours", json::object());
    if (bh.is_object() && bh.contains("timezone") && bh["timezone"].is_string()) return bh["timezone"].get<std::string>();
  }
  return "UTC";
}

json NoiseService::WindowView(json item) const {
  item = Strip(std::move(item));
  core::MaintenanceWindow w;
  if (!WindowFromItem(item, &w)) {
    const int64_t now_s = ctx_->clock->NowSeconds();
    item["active"] = core::InWindow(w, now_s);
    // The next 7 days of the window, so a reader sees what the rule means.
    json next = json::array();
    for (const auto& [s, e] : core::WindowIntervals(w, now_s, now_s + 8 * 86400)) {
      if (next.size() >= 7) break;
      next.push_back({{"starts_at", FormatIso8601Seconds(s)}, {"ends_at", FormatIso8601Seconds(e)}});
    }
    item["next"] = next;
  }
  return item;
}

Page NoiseService::ListWindows(const std::string& company_id, int limit, const std::string& cursor) {
  Page page = ListPrefix(company_id, kWindowPrefix, limit, cursor);
  for (auto& it : page.items) it = WindowView(std::move(it));
  return page;
}

namespace {

// The stored form of a window body (validated), without ids and stamps.
json WindowFields(const json& body, const std::string& default_tz) {
  json item = json::object();
  item["type"] = body.contains("type") && !body["type"].is_null() ? body["type"] : json("one_off");
  for (const char* f : {"starts_at", "ends_at", "days", "start_time", "end_time", "assets"}) {
    if (body.contains(f) && !body[f].is_null()) item[f] = body[f];
  }
  item["timezone"] = body.contains("timezone") && !body["timezone"].is_null() ? body["timezone"] : json(default_tz);
  if (!item.contains("assets")) item["assets"] = json::array();
  core::MaintenanceWindow w;
  if (auto e = WindowFromItem(item, &w)) Refuse(*e);
  if (!w.weekly) {
    item["starts_at"] = FormatIso8601Seconds(w.start_s);
    item["ends_at"] = FormatIso8601Seconds(w.end_s);
    item.erase("days");
    item.erase("start_time");
    item.erase("end_time");
  } else {
    json days = json::array();
    for (int d = 0; d < 7; ++d) {
      if (w.days[static_cast<size_t>(d)]) days.push_back(d);
    }
    item["days"] = days;
    item["start_time"] = core::FormatHhMm(w.start_minute);
    item["end_time"] = core::FormatHhMm(w.end_minute);
    item.erase("starts_at");
    item.erase("ends_at");
  }
  item["name"] = OptionalText(body, "name", 200).value_or("");
  item["comment"] = OptionalText(body, "comment", 2000).value_or("");
  return item;
}

}  // namespace

json NoiseService::CreateWindow(const Principal& p, const std::string& company_id, const json& body) {
  json item = WindowFields(body, DefaultTimeZone(company_id));
  const int64_t now_us = ctx_->clock->NowMicros();
  const std::string id = NewId(now_us);
  item["company_id"] = company_id;
  item["config_type"] = kWindowPrefix + id;
  item["id"] = id;
  item["created_by"] = p.user_id;
  item["created_by_email"] = p.email;
  item["created_at"] = ctx_->Now();
  item["updated_at"] = item["created_at"];
  ThrowIfError(ctx_->store->PutItem({t::kCompanyConfigs, item, store::Condition::ItemNotExists("company_id")}),
               "maintenance window");
  Invalidate(company_id);
  return WindowView(std::move(item));
}

json NoiseService::UpdateWindow(const Principal& p, const std::string& company_id, const std::string& window_id,
                                const json& body) {
  auto cur = ctx_->store->GetItem({t::kCompanyConfigs, {company_id, kWindowPrefix + window_id}});
  if (cur.status().IsNotFound()) ThrowNotFound("maintenance window");
  ThrowIfError(cur.status(), "maintenance window");
  // Fields present replace the stored ones; a change of type drops the other type's fields.
  json merged = *cur;
  for (auto it = body.begin(); it != body.end(); ++it) merged[it.key()] = it.value();
  json item = WindowFields(merged, DefaultTimeZone(company_id));
  for (const char* f : {"company_id", "config_type", "id", "created_by", "created_by_email", "created_at"}) {
    item[f] = (*cur)[f];
  }
  item["updated_at"] = ctx_->Now();
  item["updated_by"] = p.user_id;
  Status s = ctx_->store->PutItem({t::kCompanyConfigs, item, store::Condition::ItemExists("company_id")});
  if (s.IsConditionFailed()) ThrowNotFound("maintenance window");
  ThrowIfError(s, "maintenance window");
  Invalidate(company_id);
  return WindowView(std::move(item));
}

void NoiseService::DeleteWindow(const std::string& company_id, const std::string& window_id) {
  Status s = ctx_->store->DeleteItem(
      {t::kCompanyConfigs, {company_id, kWindowPrefix + window_id}, store::Condition::ItemExists("company_id")});
  if (s.IsConditionFailed() || s.IsNotFound()) ThrowNotFound("maintenance window");
  ThrowIfError(s, "maintenance window");
  Invalidate(company_id);
}

// -------------------------------------------------------------- inhibition

json NoiseService::InhibitionView(const std::string& company_id) {
  auto r = ctx_->store->GetItem({t::kCompanyConfigs, {company_id, kInhibitionConfig}});
  if (r.status().IsNotFound()) return {{"company_id", company_id}, {"rules", json::array()}, {"is_default", true}};
  ThrowIfError(r.status(), "inhibition rules");
  return {{"company_id", company_id},
          {"rules", r->value("rules", json::array())},
          {"is_default", false},
          {"updated_at", r->value("updated_at", json())}};
}

json NoiseService::PutInhibition(const std::string& company_id, const json& body) {
  if (!body.contains("rules")) ThrowInvalidField("rules", "is required (an empty list turns inhibition off)");
  std::vector<core::InhibitionRule> rules;
  if (auto e = RulesFromJson(body["rules"], &rules)) Refuse(*e);
  json stored = json::array();
  for (const auto& r : rules) stored.push_back(RuleToJson(r));
  json item = {{"company_id", company_id}, {"config_type", kInhibitionConfig}, {"rules", stored},
               {"updated_at", ctx_->Now()}};
  ThrowIfError(ctx_->store->PutItem({t::kCompanyConfigs, item, {}}), "inhibition rules");
  Invalidate(company_id);
  return InhibitionView(company_id);
}

}  // namespace aw::services
