#include "services/kpi_service.h"

#include <cmath>

#include <spdlog/spdlog.h>

#include "base/errors.h"
#include "store/tables.h"

namespace aw::services {

namespace t = store::tables;
using nlohmann::json;

KpiService::KpiService(Context* ctx)
    : ctx_(ctx), flusher_("KPI flush", {.period = kFlushInterval, .run_at_start = false}, [this] { Flush(); }) {
  flusher_.Start();
}

KpiService::~KpiService() {
  flusher_.Stop();
  Flush();
}

void KpiService::Add(const std::string& company_id, const Deltas& deltas) {
  std::lock_guard<std::mutex> lock(mu_);
  Deltas& d = pending_[company_id];
  for (const auto& [k, v] : deltas) d[k] += v;
}

bool KpiService::Flush() {
  std::lock_guard<std::mutex> flush_lock(flush_mu_);
  std::map<std::string, Deltas> batch;
  {
    std::lock_guard<std::mutex> lock(mu_);
    batch.swap(pending_);
  }
  bool ok = true;
  for (auto& [cid, deltas] : batch) {
    store::UpdateRequest u;
    u.table = t::kCompanyConfigs;
    u.key = {cid, "kpi"};
    for (const auto& [k, v] : deltas) {
      if (v != 0) u.Add(k, v);
    }
    if (u.actions.empty()) continue;
    Status s = ctx_->store->UpdateItem(u).status();
    if (!s.ok()) {
      spdlog::warn("KPI counters of company {} not written yet ({}); will retry", cid, s.ToString());
      Add(cid, deltas);
      ok = false;
      continue;
    }
    std::lock_guard<std::mutex> lock(mu_);
    ++writes_;
  }
  return ok;
}

uint64_t KpiService::writes() const {
  std::lock_guard<std::mutex> lock(mu_);
  return writes_;
}

json KpiService::Get(const std::string& company_id) {
  // No flush in progress while we read: each delta is either still pending
  // (added below) or in the stored item, never neither or both.
  std::lock_guard<std::mutex> flush_lock(flush_mu_);
  auto r = ctx_->store->GetItem({t::kCompanyConfigs, {company_id, "kpi"}});
  json c = json::object();
  if (r.ok()) {
    c = std::move(r).value();
  } else if (!r.status().IsNotFound()) {
    ThrowIfError(r.status(), "KPI counters");
  }
  {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = pending_.find(company_id);
    if (it != pending_.end()) {
      for (const auto& [k, v] : it->second) c[k] = c.value(k, int64_t{0}) + v;
    }
  }
  auto n = [&](const char* k) { return c.value(k, int64_t{0}); };
  const int64_t alerts = n("alerts_total");
  const int64_t incidents = n("incidents_total");
  double noise = alerts > 0 ? (1.0 - static_cast<double>(incidents) / static_cast<double>(alerts)) * 100.0 : 0.0;
  noise = std::round(std::max(0.0, noise) * 10.0) / 10.0;
  auto minutes = [&](const char* total, const char* count) -> json {
    int64_t cnt = n(count);
    if (cnt <= 0) return nullptr;
    return std::round(static_cast<double>(n(total)) / static_cast<double>(cnt) / 60.0 * 10.0) / 10.0;
  };
  json open = json::object();
  int64_t open_total = 0;
  for (const char* sev : {"critical", "high", "medium", "low"}) {
    int64_t v = std::max<int64_t>(0, n((std::string("open_") + sev).c_str()));
    open[sev] = v;
    open_total += v;
  }
  return {{"company_id", company_id},
          {"total_alerts", alerts},
          {"repeated_alerts", n("alerts_repeated")},
          {"total_incidents", incidents},
          {"noise_reduction_pct", noise},
          {"open_incidents", open_total},
          {"open_incidents_by_severity", open},
          {"acknowledged_incidents", n("ack_count")},
          {"resolved_incidents", n("resolve_count")},
          {"mtta_minutes", minutes("ack_seconds_total", "ack_count")},
          {"mttr_minutes", minutes("resolve_seconds_total", "resolve_count")},
          // Stored but kept out of incidents by noise control (docs/noise-control.md).
          {"suppressed",
           {{"silence", n("suppressed_silence")},
            {"maintenance", n("suppressed_maintenance")},
            {"inhibition", n("suppressed_inhibition")},
            {"total", n("suppressed_silence") + n("suppressed_maintenance") + n("suppressed_inhibition")}}}};
}

}  // namespace aw::services
