#pragma once

// IntakePipeline: webhook intake on an embedded store, without blocking a
// thread per alert.
//
// One process owns an embedded store's data (the data directory is locked),
// so the whole intake of an alert - repeat detection, asset registration,
// correlation and the alert itself - can run as one atomic unit of the store
// (Store::RunAtomic) on its writer thread, instead of as several conditional
// writes each waited for. Submit() queues a job and returns at once; the
// jobs that arrived meanwhile run together in one unit, whose writes are
// committed and fsynced with their neighbours (one fsync for many alerts).
// Each job's `done` is called once the unit is durable (or failed: then with
// the error, and nothing of the unit was written). Incident events, KPI
// deltas and alert_received events follow on the pipeline's own thread.
//
// Repeat claims (docs/correlation.md, "Repeats") are items of the Alerts
// table, `dlv#<sha256>` with a 24-hour TTL, as on the conditional path: a
// new alert's claim is written in the same unit - the same WriteBatch - as
// the alert, so a crash keeps both or neither and a restart rebuilds
// nothing. A lookup is one point read through the unit (RocksDB's bloom
// filters make the usual miss cheap); no claim is held in memory beyond its
// unit, so memory does not grow with the intake.
//
// The rules are core/correlate.h's, as on the conditional path
// (AlertService::Ingest, IncidentService::Correlate), with the same items
// and keys, so a store written by either is read by the other. Thread-safe.

#include <atomic>
#include <condition_variable>
#include <deque>
#include <exception>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/correlation.h"
#include "core/suppression.h"
#include "services/intake/alert_service.h"
#include "services/intake/asset_service.h"
#include "services/context.h"
#include "services/incidents/incident_service.h"
#include "services/kpi_service.h"
#include "services/txn_items.h"

namespace aw::services {

struct IntakeJob {
  std::string company_id;
  AlertInput in;  // an active alert (resolved ones take AlertService::Ingest)
  std::string delivery_id;
  std::string claim_id;  // the repeat claim's sort key
  nlohmann::json alert;  // the alert item, without asset_id / correlated_incident_id
  core::CorrelationConfig cfg;
  // Noise control, decided at submit (it depends on the alert, the rules
  // and "now" only) and applied after repeat removal, before correlation.
  core::SuppressionDecision suppression;
  core::MatchFacts facts;  // filled when the company has rules
  int64_t now_us = 0;
  // Called once, from a store thread: the result, or the error (then the
  // result is empty). Must be quick (post the answer elsewhere).
  std::function<void(IngestResult&&, std::exception_ptr)> done;
};

class IntakePipeline {
 public:
  IntakePipeline(Context* ctx, AssetService* assets, IncidentService* incidents, KpiService* kpis,
                 NoiseService* noise = nullptr);
  ~IntakePipeline();  // Stop()

  void Submit(IntakeJob job);
  // Waits until every job submitted so far is answered and its events are
  // out; later Submits are answered with 503. Idempotent.
  void Stop();

  struct Stats {
    uint64_t jobs = 0;   // answered
    uint64_t units = 0;  // atomic units run (alerts per unit = jobs / units)
    uint64_t claims_written = 0;  // repeat claims written (made or re-pointed)
  };
  Stats stats() const;

 private:
  struct Unit;
  void Schedule();
  Status Run(store::AtomicTxn& txn, Unit& u);
  void Process(TxnItems& items, const IntakeJob& job, IngestResult& r, Unit& u);
  bool ApplyRepeat(TxnItems& items, const IntakeJob& job, nlohmann::json* alert, std::string* alert_id,
                   IngestResult& r, Unit& u);
  void Finish(const std::shared_ptr<Unit>& u, const Status& s);
  void EffectsLoop();

  Context* ctx_;
  AssetService* assets_;
  IncidentService* incidents_;
  KpiService* kpis_;
  NoiseService* noise_;

  mutable std::mutex mu_;
  std::condition_variable idle_cv_;
  std::vector<IntakeJob> queue_;
  bool scheduled_ = false;  // a unit is queued that will take queue_
  size_t open_jobs_ = 0;    // submitted, not yet answered with effects out
  bool stopping_ = false;
  uint64_t jobs_done_ = 0, units_ = 0, claims_written_ = 0;

  // After-commit work (events, KPI deltas), off the store's threads.
  std::mutex fx_mu_;
  std::condition_variable fx_cv_;
  std::deque<std::shared_ptr<Unit>> fx_queue_;
  bool fx_stop_ = false;
  std::thread fx_thread_;
};

}  // namespace aw::services
