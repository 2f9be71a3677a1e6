#include "services/noise/heartbeat_service.h"

#include <spdlog/spdlog.h>

#include <future>

#include "base/errors.h"
#include "base/ids.h"
#include "base/time_format.h"
#include "services/paging.h"
#include "store/tables.h"

namespace aw::services {

namespace t = store::tables;
using nlohmann::json;

namespace {

constexpr const char* kPrefix = "heartbeat#";
constexpr int64_t kMaxSeconds = 31 * 86400;

int64_t IntField(const json& body, const char* f, int64_t dflt, int64_t lo, int64_t hi) {
  auto it = body.find(f);
  if (it == body.end() || it->is_null()) {
    if (dflt < 0) ThrowInvalidField(f, "field required");
    return dflt;
  }
  if (!it->is_number_integer() || it->get<int64_t>() < lo || it->get<int64_t>() > hi) {
    ThrowInvalidField(f, "must be an integer between " + std::to_string(lo) + " and " + std::to_string(hi));
  }
  return it->get<int64_t>();
}

}  // namespace

json HeartbeatService::View(json item) const {
  item.erase("config_type");
  item.erase("expected_by_us");
  return item;
}

Page HeartbeatService::List(const std::string& company_id, int limit, const std::string& cursor) {
  store::QueryRequest q;
  q.table = t::kCompanyConfigs;
  q.pk = company_id;
  // Ids are UUIDv7 (hex and dashes): "~" sorts after each of them.
  q.sk = {store::SortCondition::Op::kBetween, kPrefix + cursor, std::string(kPrefix) + "~"};
  Page page;
  ThrowIfError(ForEachPage(ctx_->store, q,
                           [&](std::vector<store::Item>& items) {
                             for (auto& it : items) {
                               if (!cursor.empty() && it.value("id", "") == cursor) continue;
                               page.items.push_back(View(std::move(it)));
                             }
                             return page.items.size() <= static_cast<size_t>(limit);
                           }),
               "heartbeat");
  if (page.items.size() > static_cast<size_t>(limit)) {
    page.items.resize(static_cast<size_t>(limit));
    page.next_cursor = page.items.back().value("id", "");
  }
  return page;
}

json HeartbeatService::Create(const Principal& p, const std::string& company_id, const json& body) {
  auto name_it = body.find("name");
  if (name_it == body.end() || name_it->is_null()) ThrowInvalidField("name", "field required");
  if (!name_it->is_string() || name_it->get<std::string>().empty() ||
      name_it->get<std::string>().size() > 256) {
    ThrowInvalidField("name", "must be a string of 1 to 256 characters (it becomes the alert's asset)");
  }
  const int64_t interval = IntField(body, "interval_seconds", -1, 10, kMaxSeconds);
  const int64_t grace = IntField(body, "grace_seconds", 60, 0, kMaxSeconds);
  std::string severity = "high";
  if (auto it = body.find("severity"); it != body.end() && !it->is_null()) {
    if (!it->is_string() || (*it != "critical" && *it != "high" && *it != "medium" && *it != "low")) {
      ThrowInvalidField("severity", "must be one of: critical, high, medium, low");
    }
    severity = it->get<std::string>();
  }
  const int64_t now_us = ctx_->clock->NowMicros();
  const std::string id = NewId(now_us);
  json item = {{"company_id", company_id},
               {"config_type", kPrefix + id},
               {"id", id},
               {"name", name_it->get<std::string>()},
               {"interval_seconds", interval},
               {"grace_seconds", grace},
               {"severity", severity},
               {"state", "waiting"},  // waiting (never pinged) | up | missed
               {"last_ping_at", nullptr},
               {"expected_by", FormatIso8601Seconds(now_us / 1'000'000 + interval + grace)},
               {"expected_by_us", now_us + (interval + grace) * 1'000'000},
               {"miss_count", 0},
               {"ping_path", "/api/heartbeats/" + id + "/ping"},
               {"created_by", p.user_id},
               {"created_at", ctx_->Now()}};
  ThrowIfError(
      ctx_->store->PutItem({t::kCompanyConfigs, item, store::Condition::ItemNotExists("company_id")}),
      "heartbeat");
  return View(std::move(item));
}

void HeartbeatService::Delete(const std::string& company_id, const std::string& heartbeat_id) {
  Status s = ctx_->store->DeleteItem(
      {t::kCompanyConfigs, {company_id, kPrefix + heartbeat_id}, store::Condition::ItemExists("company_id")});
  if (s.IsConditionFailed() || s.IsNotFound()) ThrowNotFound("heartbeat");
  ThrowIfError(s, "heartbeat");
}

void HeartbeatService::Send(const std::string& company_id, const AlertInput& in,
                            const std::string& delivery_id) {
  // The normal intake: on the embedded store through its pipeline (this
  // thread may wait), else the conditional path.
  std::promise<void> done;
  auto fut = done.get_future();
  if (alerts_->IngestAsync(company_id, in, delivery_id, [&done](IngestResult&&, std::exception_ptr e) {
        if (e) {
          done.set_exception(e);
        } else {
          done.set_value();
        }
      })) {
    fut.get();
    return;
  }
  alerts_->Ingest(company_id, in, delivery_id);
}

json HeartbeatService::Ping(const std::string& company_id, const std::string& heartbeat_id) {
  const store::Key key{company_id, kPrefix + heartbeat_id};
  auto cur = ctx_->store->GetItem({t::kCompanyConfigs, key, /*consistent=*/true});
  if (cur.status().IsNotFound()) ThrowNotFound("heartbeat");
  ThrowIfError(cur.status(), "heartbeat");
  const int64_t now_us = ctx_->clock->NowMicros();
  const int64_t period =
      cur->value("interval_seconds", int64_t{60}) + cur->value("grace_seconds", int64_t{0});
  auto update = [&](bool recover) {
    store::UpdateRequest u;
    u.table = t::kCompanyConfigs;
    u.key = key;
    u.condition = store::Condition::ItemExists("company_id");
    if (recover) u.condition.Equals("state", "missed");
    u.Set("state", "up")
        .Set("last_ping_at", ctx_->Now())
        .Set("expected_by", FormatIso8601Seconds(now_us / 1'000'000 + period))
        .Set("expected_by_us", now_us + period * 1'000'000)
        .Add("ping_count", int64_t{1});
    return ctx_->store->UpdateItem(u);
  };
  bool resolved = false;
  auto r = cur->value("state", "") == "missed" ? update(true) : update(false);
  if (r.status().IsConditionFailed()) {
    r = update(false);  // another ping took the recovery, or the item is gone
    if (r.status().IsConditionFailed()) ThrowNotFound("heartbeat");
  } else if (r.ok() && cur->value("state", "") == "missed") {
    resolved = true;
  }
  ThrowIfError(r.status(), "heartbeat");
  if (resolved) {
    AlertInput in;
    in.asset_name = r->value("name", "");
    in.signature = "heartbeat_missed";
    in.severity = r->value("severity", "high");
    in.message = "Heartbeat '" + in.asset_name + "' is back: pinged at " + r->value("last_ping_at", "");
    in.tool_source = "Heartbeat";
    in.status = "resolved";
    in.metadata = {{"heartbeat_id", heartbeat_id}, {"labels", {{"heartbeat", in.asset_name}}}};
    Send(company_id, in,
         "heartbeat:" + heartbeat_id + ":ok:" + std::to_string(r->value("miss_count", int64_t{0})));
  }
  json out = View(*r);
  out["resolved"] = resolved;
  return out;
}

bool HeartbeatService::RaiseMiss(const json& hb) {
  const std::string cid = hb.value("company_id", "");
  const std::string id = hb.value("id", "");
  store::UpdateRequest u;
  u.table = t::kCompanyConfigs;
  u.key = {cid, hb.value("config_type", "")};
  // The claim: only while the deadline read is still the current one (no
  // ping since) and the miss is not raised yet.
  u.condition = store::Condition::ItemExists("company_id")
                    .Equals("expected_by_us", hb.value("expected_by_us", int64_t{0}))
                    .NotEquals("state", "missed");
  u.Set("state", "missed").Set("missed_at", ctx_->Now()).Add("miss_count", int64_t{1});
  auto r = ctx_->store->UpdateItem(u);
  if (r.status().IsConditionFailed()) return false;
  if (!r.ok()) {
    spdlog::warn("heartbeats: cannot claim the miss of heartbeat {} of company {}: {}", id, cid,
                 r.status().message());
    return false;
  }
  AlertInput in;
  in.asset_name = hb.value("name", "");
  in.signature = "heartbeat_missed";
  in.severity = hb.value("severity", "high");
  const json last = hb.value("last_ping_at", json());
  in.message = "Heartbeat '" + in.asset_name + "' missed: no ping within " +
               std::to_string(hb.value("interval_seconds", int64_t{0})) + " s + " +
               std::to_string(hb.value("grace_seconds", int64_t{0})) + " s grace; last ping " +
               (last.is_string() ? last.get<std::string>() : std::string("never"));
  in.tool_source = "Heartbeat";
  in.metadata = {{"heartbeat_id", id}, {"labels", {{"heartbeat", in.asset_name}}}};
  try {
    Send(cid, in, "heartbeat:" + id + ":miss:" + std::to_string(r->value("miss_count", int64_t{1})));
  } catch (const std::exception& e) {
    spdlog::error("heartbeats: the missed-heartbeat alert of {} (company {}) was not stored: {}", id, cid,
                  e.what());
    return false;
  }
  spdlog::info("heartbeats: heartbeat {} ({}) of company {} missed; alert raised", id, in.asset_name, cid);
  return true;
}

int HeartbeatService::Check(const std::string& company_id) {
  const int64_t now_us = ctx_->clock->NowMicros();
  store::QueryRequest q;
  q.table = t::kCompanyConfigs;
  q.pk = company_id;
  q.sk = {store::SortCondition::Op::kBeginsWith, kPrefix, ""};
  // Only the overdue ones that are not yet missed come back.
  q.filter = store::Condition().LessEq("expected_by_us", now_us).NotEquals("state", "missed");
  int raised = 0;
  ThrowIfError(ForEachItem(ctx_->store, q,
                           [&](store::Item& hb) {
                             raised += RaiseMiss(hb) ? 1 : 0;
                             return true;
                           }),
               "heartbeat");
  return raised;
}

}  // namespace aw::services
