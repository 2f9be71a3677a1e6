#include "services/response/sla_worker.h"

#include <spdlog/spdlog.h>

#include "core/incident_status.h"
#include "services/identity/company_service.h"
#include "services/paging.h"
#include "store/tables.h"

namespace aw::services {

namespace t = store::tables;
using nlohmann::json;

// "escalated" before "new" (core::OpenIncidentStatuses): an incident the
// worker escalates in this tick is not read twice.

void IncidentResponseWorker::CheckCompany(const std::string& cid, WorkerTickStats* st) {
  for (const std::string& status : core::OpenIncidentStatuses()) {
    const bool unacknowledged = status == "new" || status == "escalated";
    store::QueryRequest q;
    q.table = t::kIncidents;
    q.index = t::kIncidentsByStatusIndex;
    q.pk = cid;
    q.sk = {store::SortCondition::Op::kEq, status, ""};
    q.limit = 200;
    Status s = ForEachItem(ctx_->store, q, [&](store::Item& inc) {
      if (stopping_.load()) return false;  // shutdown: the next tick resumes
      st->incidents++;
      try {
        st->sla_notices += sla_->Check(inc);
        if (unacknowledged) st->escalations += escalation_->Check(inc);
      } catch (const std::exception& e) {
        st->errors++;
        spdlog::warn("incident worker: incident {} of company {}: {}", inc.value("id", ""), cid, e.what());
      }
      return true;
    });
    if (!s.ok()) {
      spdlog::warn("incident worker: cannot list {} incidents of company {}: {}", status, cid, s.message());
      st->errors++;
    }
  }
}

WorkerTickStats IncidentResponseWorker::Tick() {
  WorkerTickStats st;
  auto companies = AllCompanyIds(ctx_->store);
  if (!companies.ok()) {
    spdlog::warn("incident worker: cannot list companies: {}", companies.status().message());
    st.errors++;
    return st;
  }
  for (const auto& cid : *companies) {
    if (stopping_.load()) break;
    st.companies++;
    if (heartbeats_ != nullptr) {
      try {
        st.heartbeat_misses += heartbeats_->Check(cid);
      } catch (const std::exception& e) {
        st.errors++;
        spdlog::warn("incident worker: heartbeats of company {}: {}", cid, e.what());
      }
    }
    CheckCompany(cid, &st);
  }
  if (st.sla_notices > 0 || st.escalations > 0 || st.heartbeat_misses > 0 || st.errors > 0) {
    spdlog::info("incident worker: {} open incidents in {} companies checked: {} SLA notices, {} escalations, "
                 "{} missed heartbeats, {} errors",
                 st.incidents, st.companies, st.sla_notices, st.escalations, st.heartbeat_misses, st.errors);
  }
  return st;
}

void IncidentResponseWorker::Start(std::chrono::milliseconds interval) {
  stopping_ = false;
  task_ = std::make_unique<PeriodicTask>("incident-response worker", PeriodicTask::Options{.period = interval},
                                         [this] { Tick(); });
  task_->Start();
}

void IncidentResponseWorker::Stop() {
  stopping_ = true;
  if (task_ != nullptr) task_->Stop();
}

}  // namespace aw::services
