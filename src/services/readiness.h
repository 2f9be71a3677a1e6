#pragma once

// Readiness (GET /api/ready): can this process do its work now? The store
// answers a point read, and every background task (SLA/escalation/heartbeat
// worker, approval expiry, KPI flush, runbook recovery) is running and not
// late (services/periodic_task.h). Liveness is GET /api/health, which never
// touches the store.

#include <chrono>
#include <memory>
#include <mutex>
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

// Probes the store with a point read on a thread of its own, at most one at
// a time: a store that hangs makes Check() report it after `timeout`
// instead of hanging the caller, and later checks wait for that same probe
// (threads never pile up). Thread-safe. REQUIRES: the store outlives every
// probe (a probe still hung at exit is abandoned with the process).
class StoreProbe {
 public:
  explicit StoreProbe(store::Store* store, std::chrono::milliseconds timeout = std::chrono::seconds(2))
      : store_(store), timeout_(timeout) {}
  // OK, or why the store is not ready ("did not answer within 2 s" included).
  Status Check();

 private:
  struct Flight;
  store::Store* const store_;
  const std::chrono::milliseconds timeout_;
  std::mutex mu_;
  std::shared_ptr<Flight> flight_;  // the probe in progress, if any
};

Readiness CheckReadiness(StoreProbe& probe);

}  // namespace aw::services
