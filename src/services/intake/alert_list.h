#pragma once

// The alert list across companies (the MSP admin's, and that of anyone who
// sees more than a few companies: services/sharded_query.h), newest first, read
// through the write-sharded shard-time-index (docs/data-model.md,
// "Cross-company lists"): 16 Queries a page (a few more with a filter),
// whatever the number of companies; the cursor is one key.

#include "services/intake/alert_service.h"
#include "services/page.h"
#include "services/identity/principal.h"
#include "store/store.h"

namespace aw::services {

Page ListAlertsAcrossCompanies(store::Store* store, const Principal& p, const AlertFilter& f);

}  // namespace aw::services
