#pragma once

// Keys and item helpers shared by the incident service's files (and the
// intake pipeline's executor). The records themselves and their codecs are
// core/records.h.

#include <string>

#include <nlohmann/json.hpp>

#include "core/records.h"
#include "store/store.h"

namespace aw::services::incident_items {

inline constexpr size_t kMaxAlertIds = core::kMaxAlertIds;

// Pointer to the open incident of a correlation key.
store::Key PointerKey(const std::string& company_id, const std::string& correlation_key);
// Locator: incident id -> company, for routes that carry only the id.
store::Key LocatorKey(const std::string& incident_id);
nlohmann::json Locator(const std::string& company_id, const std::string& incident_id);

// Adds to `u` a SET for every attribute of `after` that differs from
// `before` and a REMOVE for every attribute `after` no longer has, so an
// update writes exactly what a rule changed (key attributes excluded).
void SetChanged(const nlohmann::json& before, const nlohmann::json& after, store::UpdateRequest* u);

}  // namespace aw::services::incident_items
