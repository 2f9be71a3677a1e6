#pragma once

// KPI counters per company, kept with atomic ADD as events happen (never
// computed by scanning): CompanyConfigs item config_type "kpi".
//
// Add() only records the deltas in memory; a PeriodicTask writes the
// sum per company with one UpdateItem every kFlushInterval (and Flush()
// writes what is pending, e.g. at shutdown). So a flood of alerts costs one
// counter write per company per interval instead of one per alert, and
// intake never waits for a counter. Get() adds what is still pending, so a
// reader in this process sees its own events at once. A crash loses at most
// one interval of counts (the alerts themselves are durable).
//
// Counters: alerts_total, alerts_repeated, incidents_total,
// open_<severity> (open incidents by severity), ack_count,
// ack_seconds_total, resolve_count, resolve_seconds_total,
// suppressed_silence, suppressed_maintenance, suppressed_inhibition.
// Thread-safe.

#include <chrono>
#include <map>
#include <mutex>
#include <string>

#include <nlohmann/json.hpp>

#include "services/context.h"
#include "services/periodic_task.h"

namespace aw::services {

using Deltas = std::map<std::string, int64_t>;

class KpiService {
 public:
  static constexpr std::chrono::milliseconds kFlushInterval{100};

  explicit KpiService(Context* ctx);
  ~KpiService();  // flushes

  void Add(const std::string& company_id, const Deltas& deltas);
  // Writes every pending delta now. Returns false if a write failed (the
  // deltas stay pending and are retried).
  bool Flush();
  // The KPI view: totals, noise reduction %, open incidents by severity, MTTA
  // and MTTR in minutes.
  nlohmann::json Get(const std::string& company_id);
  uint64_t writes() const;

 private:
  Context* ctx_;
  mutable std::mutex mu_;
  std::map<std::string, Deltas> pending_;
  std::mutex flush_mu_;  // one flush at a time
  uint64_t writes_ = 0;
  PeriodicTask flusher_;  // last: stopped before the members it uses go
};

}  // namespace aw::services
