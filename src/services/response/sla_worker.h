#pragma once

// The incident-response worker: every interval it runs the SLA monitor and
// the escalation step over the open incidents of every company, and the
// heartbeat check (services/heartbeat_service.h).
//
// Finding the work never scans: companies come from the Companies
// directory-index, open incidents per company from company_id-status-index
// (new, acknowledged, in_progress, escalated). What was already sent is
// kept on the incident items (marks written with conditional updates: see
// sla_service.h and escalation_service.h), so several threads, replicas or a
// restart never send a notice twice, and a notice that fell due while the
// server was down is sent at the first tick after it starts.
//
// Tick() is driven by the injected clock (tests move a FakeClock and call
// it); Start() runs it on a PeriodicTask every `interval` until Stop().
// Thread-safe: Tick may run concurrently with itself.

#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>

#include "services/context.h"
#include "services/noise/heartbeat_service.h"
#include "services/periodic_task.h"
#include "services/response/escalation_service.h"
#include "services/response/sla_service.h"

namespace aw::services {

struct WorkerTickStats {
  int64_t companies = 0;
  int64_t incidents = 0;
  int64_t sla_notices = 0;
  int64_t escalations = 0;
  int64_t heartbeat_misses = 0;
  int64_t errors = 0;
};

class IncidentResponseWorker {
 public:
  IncidentResponseWorker(Context* ctx, SlaService* sla, EscalationService* escalation)
      : ctx_(ctx), sla_(sla), escalation_(escalation) {}
  ~IncidentResponseWorker() { Stop(); }

  // Heartbeats are checked in the same tick, per company. Wiring, before Start.
  void UseHeartbeats(HeartbeatService* heartbeats) { heartbeats_ = heartbeats; }

  WorkerTickStats Tick();

  // REQUIRES: not running. The first tick runs at once.
  void Start(std::chrono::milliseconds interval);
  // Waits for a running tick to finish; the tick checks for the stop between
  // incidents, so with thousands overdue it still ends within one incident's
  // work (shutdown's 10 s budget). Idempotent.
  void Stop();

 private:
  void CheckCompany(const std::string& company_id, WorkerTickStats* st);

  Context* ctx_;
  SlaService* sla_;
  EscalationService* escalation_;
  HeartbeatService* heartbeats_ = nullptr;
  std::unique_ptr<PeriodicTask> task_;  // set by Start
  std::atomic<bool> stopping_{false};   // set by Stop: a running tick ends early
};

}  // namespace aw::services
