#pragma once

// The native webhook's body (POST /api/webhooks/alerts, docs/api.md) as an
// AlertInput: asset_name, signature, message (required strings of at most
// 256, 256 and 16 KiB bytes), severity (critical|high|medium|low),
// tool_source, timestamp (ISO-8601), metadata (an object), status (active,
// firing or resolved). Throws aw::ApiError 422 naming the field otherwise.
// Thread-safe (stateless); fuzzed by tests/fuzz/intake_fuzz.cc.

#include <nlohmann/json.hpp>

#include "services/intake/alert_input.h"

namespace aw::http {

services::AlertInput ParseNativeAlert(const nlohmann::json& body);

}  // namespace aw::http
