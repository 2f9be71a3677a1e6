#include "services/alert_service.h"

#include <algorithm>

#include "base/errors.h"
#include "base/ids.h"
#include "base/time_format.h"
#include "crypto/hash.h"
#include "store/tables.h"

namespace aw::services {

namespace t = store::tables;
using nlohmann::json;

IngestResult AlertService::Ingest(const std::string& company_id, const AlertInput& in,
                                  const std::string& delivery_id) {
  const int64_t now_us = ctx_->clock->NowMicros();
  const std::string now = FormatIso8601Micros(now_us);
  const std::string ts = in.timestamp_micros ? FormatIso8601Micros(*in.timestamp_micros) : now;
  std::string alert_id = NewId(now_us);
  const int64_t ttl = now_us / 1'000'000 + int64_t{ctx_->settings.alert_ttl_days} * 86400;

  json alert = {
      {"company_id", company_id},
      {"id", alert_id},
      {"asset_name", in.asset_name},
      {"signature", in.signature},
      {"severity", in.severity},
      {"message", in.message},
      {"tool_source", in.tool_source},
      {"status", in.status},
      {"timestamp", ts},
      {"received_at", now},
      {"last_seen", now},
      {"delivery_attempts", 1},
      {"metadata", in.metadata},
      {"ttl", ttl},
  };

  if (!delivery_id.empty()) {
    alert["delivery_id"] = delivery_id;
    const std::string claim_id = "dlv#" + crypto::Sha256Hex(delivery_id);
    json claim = {{"company_id", company_id}, {"id", claim_id}, {"alert_id", alert_id},
                  {"kind", "delivery"}, {"ttl", now_us / 1'000'000 + 24 * 3600}};
    Status s = ctx_->store->PutItem({t::kAlerts, claim, store::Condition::ItemNotExists("company_id")});
    if (s.IsConditionFailed()) {
      auto existing = ctx_->store->GetItem({t::kAlerts, {company_id, claim_id}});
      ThrowIfError(existing.status(), "delivery record");
      alert_id = existing->value("alert_id", "");
      alert["id"] = alert_id;
      return Repeat(company_id, alert_id, alert);
    }
    ThrowIfError(s, "delivery record");
  }

  // A repeat that raced us may have written this very alert already (crash
  // repair); that is the same alert, not an error.
  Status s = ctx_->store->PutItem({t::kAlerts, alert, store::Condition::ItemNotExists("company_id")});
  if (!s.IsConditionFailed()) ThrowIfError(s, "alert");
  IngestResult r;
  r.alert_id = alert_id;
  r.company_id = company_id;
  r.alert = std::move(alert);
  return r;
}

IngestResult AlertService::Repeat(const std::string& company_id, const std::string& alert_id,
                                  const json& alert) {
  for (int attempt = 0; attempt < 2; ++attempt) {
    store::UpdateRequest u;
    u.table = t::kAlerts;
    u.key = {company_id, alert_id};
    u.condition = store::Condition::ItemExists("company_id");
    u.Add("delivery_attempts", 1).Set("last_seen", ctx_->Now());
    auto r = ctx_->store->UpdateItem(u);
    if (r.ok()) {
      IngestResult out;
      out.alert_id = alert_id;
      out.company_id = company_id;
      out.duplicate = true;
      out.delivery_attempts = r->value("delivery_attempts", int64_t{1});
      out.alert = std::move(r).value();
      return out;
    }
    if (!r.status().IsConditionFailed()) ThrowIfError(r.status(), "alert");
    // The claim exists but its alert does not: the first delivery is still
    // being written, or crashed in between. Write it (idempotently).
    Status s = ctx_->store->PutItem({t::kAlerts, alert, store::Condition::ItemNotExists("company_id")});
    if (!s.ok() && !s.IsConditionFailed()) ThrowIfError(s, "alert");
  }
  ThrowIfError(Status::Internal("alert " + alert_id + " could not be updated"), "alert");
  return {};
}

namespace {

// Cursor "<timestamp>|<id>": the last item of the previous page.
struct AlertCursor {
  std::string timestamp;
  std::string id;
};

std::optional<AlertCursor> ParseCursor(const std::string& c) {
  if (c.empty()) return std::nullopt;
  auto bar = c.find('|');
  if (bar == std::string::npos || bar == 0 || bar + 1 >= c.size() || c.size() > 200) {
    ThrowInvalidField("cursor", "invalid cursor");
  }
  return AlertCursor{c.substr(0, bar), c.substr(bar + 1)};
}

bool Newer(const json& a, const json& b) {
  const auto& ta = a.value("timestamp", "");
  const auto& tb = b.value("timestamp", "");
  if (ta != tb) return ta > tb;
  return a.value("id", "") > b.value("id", "");
}

}  // namespace

Page AlertService::List(const Principal& p, const AlertFilter& f, const std::vector<std::string>& all_ids) {
  std::vector<std::string> companies;
  if (!f.company_id.empty()) {
    RequireSee(p, f.company_id);
    companies.push_back(f.company_id);
  } else if (p.IsMspAdmin()) {
    companies = all_ids;
  } else {
    companies = p.company_ids;
  }
  auto cursor = ParseCursor(f.cursor);
  std::vector<json> merged;
  for (const auto& cid : companies) {
    // Read from the cursor's timestamp down; items at exactly that timestamp
    // are filtered by id below, so ties are neither lost nor repeated.
    std::string token;
    int taken = 0;
    do {
      store::QueryRequest q;
      q.table = t::kAlerts;
      q.index = t::kAlertsByTimeIndex;
      q.pk = cid;
      q.forward = false;
      q.limit = f.limit + 1;
      q.page_token = token;
      if (cursor) q.sk = {store::SortCondition::Op::kLessEq, cursor->timestamp, ""};
      auto r = ctx_->store->Query(q);
      ThrowIfError(r.status(), "alert");
      for (auto& it : r->items) {
        if (cursor && it.value("timestamp", "") == cursor->timestamp && it.value("id", "") >= cursor->id) continue;
        if (!f.status.empty() && it.value("status", "") != f.status) continue;
        merged.push_back(std::move(it));
        ++taken;
      }
      token = r->next_page_token;
    } while (!token.empty() && taken <= f.limit);
  }
  std::sort(merged.begin(), merged.end(), Newer);
  Page page;
  bool more = static_cast<int>(merged.size()) > f.limit;
  if (more) merged.resize(f.limit);
  for (auto& a : merged) {
    a.erase("ttl");
    page.items.push_back(std::move(a));
  }
  if (more && !page.items.empty()) {
    page.next_cursor = page.items.back().value("timestamp", "") + "|" + page.items.back().value("id", "");
  }
  return page;
}

}  // namespace aw::services
