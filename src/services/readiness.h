#pragma once

// Readiness (GET /api/ready): can this process do its work now? The store
// answers a point read, and every background task (SLA/escalation/heartbeat
// worker, approval expiry, KPI flush, runbook recovery) is running and not
// late (services/periodic_task.h). Liveness is GET /api/health, which never
// touches the store.

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "store/store.h"

namespace aw::services {

struct Readiness {
  std::vector<std::string> reasons;  // one sentence each; empty: ready
  nlohmann::json workers = nlohmann::json::array();  // [{name, running, late, runs, failed_runs, seconds_since_last_run}]
  bool ready() const { return reasons.empty(); }
};

Readiness CheckReadiness(store::Store* store);

}  // namespace aw::services
