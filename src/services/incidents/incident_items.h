#pragma once

// Keys and attribute helpers shared by the incident service's files.

#include <string>

#include <nlohmann/json.hpp>

#include "store/store.h"

namespace aw::services::incident_items {

inline constexpr size_t kMaxAlertIds = 50;  // newest alert ids kept on the incident (as many as its detail view shows)
inline constexpr size_t kMaxToolSources = 50;

// Pointer to the open incident of a correlation key.
store::Key PointerKey(const std::string& company_id, const std::string& correlation_key);
// Locator: incident id -> company, for routes that carry only the id.
store::Key LocatorKey(const std::string& incident_id);

// Microseconds since the epoch of the incident's last alert.
int64_t LastAlertMicros(const nlohmann::json& incident);

}  // namespace aw::services::incident_items
