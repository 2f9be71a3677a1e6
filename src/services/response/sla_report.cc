// SLA compliance report: incidents of one company created in the last N days.
//
// Incident ids are UUIDv7 (time-ordered), so "created since T" is a Query of
// the company's partition with id >= the id prefix of T: no Scan, no GSI.

#include <cinttypes>
#include <cmath>
#include <map>
#include <cstdio>

#include "base/errors.h"
#include "base/ids.h"
#include "base/time_format.h"
#include "services/paging.h"
#include "services/response/sla_service.h"
#include "store/tables.h"

namespace aw::services {

namespace t = store::tables;
using nlohmann::json;

namespace {

constexpr int kReportCap = 20000;

struct Tally {
  int64_t incidents = 0;
  int64_t met = 0, breached = 0, pending = 0;
  int64_t response_met = 0, response_breached = 0;
  int64_t resolution_met = 0, resolution_breached = 0;
  int64_t ack_n = 0, ack_s = 0, res_n = 0, res_s = 0;

  static json Pct(int64_t ok, int64_t bad) {
    if (ok + bad == 0) return nullptr;
    return std::round(static_cast<double>(ok) * 10000.0 / static_cast<double>(ok + bad)) / 100.0;
  }
  json View() const {
    return {{"incidents", incidents},
            {"met", met},
            {"breached", breached},
            {"pending", pending},
            {"compliance_pct", Pct(met, breached)},
            {"response_compliance_pct", Pct(response_met, response_breached)},
            {"resolution_compliance_pct", Pct(resolution_met, resolution_breached)},
            {"response_breaches", response_breached},
            {"resolution_breaches", resolution_breached},
            {"mtta_minutes", ack_n ? json(static_cast<double>(ack_s) / static_cast<double>(ack_n) / 60.0) : json()},
            {"mttr_minutes", res_n ? json(static_cast<double>(res_s) / static_cast<double>(res_n) / 60.0) : json()}};
  }
};

}  // namespace

json SlaService::Report(const std::string& company_id, int days) {
  const int64_t now_s = ctx_->clock->NowSeconds();
  const int64_t since_s = now_s - int64_t{days} * 86400;
  Tally all;
  std::map<std::string, Tally> by_sev;
  for (const char* s : {"critical", "high", "medium", "low"}) by_sev[s] = Tally{};
  bool capped = false;
  int64_t read = 0;
  store::QueryRequest q;
  q.table = t::kIncidents;
  q.pk = company_id;
  q.sk = {store::SortCondition::Op::kGreaterEq, IdPrefixAt(since_s * 1000), ""};
  q.limit = 500;
  // Tallies one incident; false when it is not one the report counts.
  auto tally = [&](const store::Item& inc) {
    if (!inc.contains("status") || !inc.contains("created_at")) return false;
    auto created = ParseIso8601(inc.value("created_at", ""));
    if (!created || *created / 1'000'000 < since_s) return false;
    core::SlaClock c;
    if (!ClockOf(inc, &c)) return false;
    core::SlaEvaluation e = core::EvaluateSla(c, now_s);
    const int64_t created_s = *created / 1'000'000;
    for (Tally* tl : {&all, &by_sev[by_sev.count(inc.value("severity", "low")) ? inc.value("severity", "low") : "low"]}) {
      tl->incidents++;
      if (e.response_breached) tl->response_breached++;
      else if (e.responded) tl->response_met++;
      if (e.resolution_breached) tl->resolution_breached++;
      else if (e.resolved) tl->resolution_met++;
      if (e.response_breached || e.resolution_breached) tl->breached++;
      else if (e.resolved) tl->met++;
      else tl->pending++;
      if (c.responded_s) {
        tl->ack_n++;
        tl->ack_s += *c.responded_s - created_s;
      }
      if (c.resolved_s) {
        tl->res_n++;
        tl->res_s += *c.resolved_s - created_s;
      }
    }
    return true;
  };
  // The cap is checked per page: a page read is tallied whole.
  ThrowIfError(ForEachPage(ctx_->store, q,
                           [&](std::vector<store::Item>& items) {
                             for (const auto& inc : items) {
                               if (tally(inc) && ++read >= kReportCap) capped = true;
                             }
                             return !capped;
                           }),
               "incident");
  json sev = json::object();
  for (const auto& [k, v] : by_sev) sev[k] = v.View();
  json out = all.View();
  out["company_id"] = company_id;
  out["days"] = days;
  out["from"] = FormatIso8601Seconds(since_s);
  out["to"] = FormatIso8601Seconds(now_s);
  out["by_severity"] = sev;
  out["capped"] = capped;
  return out;
}

}  // namespace aw::services
