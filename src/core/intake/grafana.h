#pragma once

// Grafana unified alerting's webhook contact point -> ToolAlerts.
//
// Grafana posts Alertmanager's webhook body (alertmanager.h) plus its own
// fields: top-level orgId, state, title, message; per alert values,
// valueString, dashboardURL, panelURL, silenceURL. The mapping is
// Alertmanager's (labels.alertname -> signature, asset labels -> asset,
// labels.severity -> severity, annotations.summary -> message,
// fingerprint + startsAt -> repeat key, status "resolved" -> resolved);
// Grafana's fields are kept in the metadata. `version` is not checked
// (Grafana sends "1"). Pure; thread-safe.

#include <nlohmann/json.hpp>

#include "core/intake/tool_alert.h"

namespace aw::core::intake {

AdapterResult AdaptGrafana(const nlohmann::json& payload, const IntakeMapping& m);

}  // namespace aw::core::intake
