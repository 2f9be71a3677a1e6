#pragma once

// KPI counters per company, kept with atomic ADD as events happen (never
// computed by scanning): CompanyConfigs item config_type "kpi". Concurrent
// increments for one company are coalesced into one write (Combiner).
//
// Counters: alerts_total, alerts_repeated, incidents_total,
// open_<severity> (open incidents by severity), ack_count,
// ack_seconds_total, resolve_count, resolve_seconds_total.
// Thread-safe.

#include <map>
#include <string>

#include <nlohmann/json.hpp>

#include "services/combiner.h"
#include "services/context.h"

namespace aw::services {

using Deltas = std::map<std::string, int64_t>;

class KpiService {
 public:
  explicit KpiService(Context* ctx) : ctx_(ctx) {}

  // Applies the deltas durably (coalesced with concurrent callers).
  void Add(const std::string& company_id, Deltas deltas);
  // The KPI view: totals, noise reduction %, open incidents by severity, MTTA
  // and MTTR in minutes.
  nlohmann::json Get(const std::string& company_id);
  uint64_t writes() const { return combiner_.groups(); }

 private:
  Context* ctx_;
  Combiner<Deltas, bool> combiner_;
};

}  // namespace aw::services
