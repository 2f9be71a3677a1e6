// Silences, maintenance windows and inhibition rules: the API side of
// NoiseService (docs/noise-control.md).

#include <algorithm>

#include "base/errors.h"
#include "base/ids.h"
#include "base/time_format.h"
#include "core/business_time.h"
#include "services/noise/noise_items.h"
#include "services/noise/noise_service.h"
#include "services/paging.h"
#include "store/tables.h"

namespace aw::services {

namespace t = store::tables;
using nlohmann::json;
using namespace noise;  // NOLINT: this service's own internal helpers

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
  ThrowIfError(ForEachPage(ctx_->store, q,
                           [&](std::vector<store::Item>& items) {
                             for (auto& it : items) {
                               if (!cursor.empty() && it.value("id", "") == cursor) continue;
                               page.items.push_back(std::move(it));
                             }
                             return page.items.size() < static_cast<size_t>(limit) + 1;
                           }),
               "noise settings");
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
               {"starts_at", body.contains("starts_at") && !body["starts_at"].is_null()
                                 ? body["starts_at"]
                                 : json(FormatIso8601Seconds(now_us / 1'000'000))},
               {"ends_at", body.value("ends_at", json())}};
  core::Silence s;
  if (auto e = SilenceFromItem(item, &s)) Refuse(*e);
  if (s.ends_s <= now_us / 1'000'000) ThrowInvalidField("ends_at", "must be in the future");
  if (s.ends_s - s.starts_s > kMaxSpanSeconds)
    ThrowInvalidField("ends_at", "must be at most ten years after starts_at");
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
  ThrowIfError(
      ctx_->store->PutItem({t::kCompanyConfigs, item, store::Condition::ItemNotExists("company_id")}),
      "silence");
  Invalidate(company_id);
  item = Strip(std::move(item));
  item["status"] = now_us / 1'000'000 < s.starts_s ? "pending" : "active";
  return item;
}

json NoiseService::DeleteSilence(const std::string& company_id, const std::string& silence_id) {
  store::DeleteRequest d{t::kCompanyConfigs,
                         {company_id, kSilencePrefix + silence_id},
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
    if (bh.is_object() && bh.contains("timezone") && bh["timezone"].is_string())
      return bh["timezone"].get<std::string>();
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
  item["timezone"] =
      body.contains("timezone") && !body["timezone"].is_null() ? body["timezone"] : json(default_tz);
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
  ThrowIfError(
      ctx_->store->PutItem({t::kCompanyConfigs, item, store::Condition::ItemNotExists("company_id")}),
      "maintenance window");
  Invalidate(company_id);
  return WindowView(std::move(item));
}

json NoiseService::UpdateWindow(const Principal& p, const std::string& company_id,
                                const std::string& window_id, const json& body) {
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
  Status s = ctx_->store->DeleteItem({t::kCompanyConfigs,
                                      {company_id, kWindowPrefix + window_id},
                                      store::Condition::ItemExists("company_id")});
  if (s.IsConditionFailed() || s.IsNotFound()) ThrowNotFound("maintenance window");
  ThrowIfError(s, "maintenance window");
  Invalidate(company_id);
}

// -------------------------------------------------------------- inhibition

json NoiseService::InhibitionView(const std::string& company_id) {
  auto r = ctx_->store->GetItem({t::kCompanyConfigs, {company_id, kInhibitionConfig}});
  if (r.status().IsNotFound())
    return {{"company_id", company_id}, {"rules", json::array()}, {"is_default", true}};
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
  json item = {{"company_id", company_id},
               {"config_type", kInhibitionConfig},
               {"rules", stored},
               {"updated_at", ctx_->Now()}};
  ThrowIfError(ctx_->store->PutItem({t::kCompanyConfigs, item, {}}), "inhibition rules");
  Invalidate(company_id);
  return InhibitionView(company_id);
}

}  // namespace aw::services
