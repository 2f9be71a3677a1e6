#pragma once

// Internal to the intake: correlation inside one atomic unit of an embedded
// store (services/intake/intake_pipeline.h). The rules are core::Correlate's;
// this is only their executor over TxnItems, so nothing can change between
// the reads and the writes and no condition is needed.

#include <map>
#include <string>
#include <utility>
#include <vector>

#include "core/correlate.h"
#include "services/incidents/incident_service.h"
#include "services/kpi_service.h"
#include "services/txn_items.h"

namespace aw::services {

// What must happen once the unit is durable.
struct LocalEffects {
  std::vector<std::pair<std::string, Deltas>> kpis;  // (company, deltas)
  // incident id -> (company, event type); announced with the item as it is
  // at the end of the unit.
  std::map<std::string, std::pair<std::string, std::string>> changed;
};

// Joins the alert to its incident or opens one, every read and write
// through `items`; effects to `fx`.
CorrelationResult CorrelateLocal(const IncidentService& incidents, TxnItems& items,
                                 const std::string& company_id, const core::CorrelationConfig& cfg,
                                 const CorrelationInput& in, int64_t now_us, LocalEffects* fx);

}  // namespace aw::services
