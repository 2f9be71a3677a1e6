#include "services/readiness.h"

#include "services/periodic_task.h"
#include "store/tables.h"

namespace aw::services {

Readiness CheckReadiness(store::Store* store) {
  Readiness r;
  // A key that never exists: a miss proves the store answers.
  auto probe = store->GetItem({store::tables::kCompanyConfigs, {"_system", "readiness_probe"}});
  if (!probe.ok() && !probe.status().IsNotFound()) {
    r.reasons.push_back("the store does not answer: " + probe.status().message());
  }
  for (const PeriodicTask::Health& h : PeriodicTask::All()) {
    const int64_t since_s = h.since_last_run.count() / 1000;
    r.workers.push_back({{"name", h.name},
                         {"running", h.running},
                         {"late", h.late},
                         {"runs", h.runs},
                         {"failed_runs", h.failed_runs},
                         {"seconds_since_last_run", since_s}});
    if (!h.running) {
      r.reasons.push_back("the " + h.name + " is not running");
    } else if (h.late) {
      r.reasons.push_back("the " + h.name + " last finished a run " + std::to_string(since_s) +
                          " s ago (it runs every " + std::to_string(h.period.count() / 1000) + " s)");
    }
  }
  return r;
}

}  // namespace aw::services
