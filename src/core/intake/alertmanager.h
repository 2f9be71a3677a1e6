#pragma once

// Prometheus Alertmanager payloads -> ToolAlerts.
//
// AdaptAlertmanagerWebhook: the webhook receiver's body (webhook_config,
// payload version 4): {"version":"4","status","receiver","groupKey",
// "alerts":[{"status":"firing"|"resolved","labels","annotations","startsAt",
// "endsAt","generatorURL","fingerprint"}], "commonLabels", ...}.
//
// AdaptAlertmanagerApiV2: the body of POST /api/v2/alerts, which Prometheus
// (and `amtool alert add`) send to an Alertmanager: a JSON array of
// {"labels","annotations","startsAt","endsAt","generatorURL"}. An alert
// whose endsAt is at or before `now_micros` is resolved.
//
// Mapping (docs/intake.md): labels.alertname -> signature; the mapping's
// asset labels (instance, host, hostname, pod), else `job`, else "unknown"
// -> asset; labels.severity (else labels.priority) -> severity;
// annotations summary, else description, else message -> message (else
// "<alertname> is firing"); startsAt -> timestamp; repeat key
// "<fingerprint>@<startsAt>" (the fingerprint computed from the labels when
// absent), with "#resolved" for a recovery. Labels -> ToolAlert::labels;
// annotations, generatorURL, endsAt, fingerprint, receiver, groupKey ->
// metadata. Pure; thread-safe.

#include <cstdint>
#include <string>

#include <nlohmann/json.hpp>

#include "core/intake/tool_alert.h"

namespace aw::core::intake {

AdapterResult AdaptAlertmanagerWebhook(const nlohmann::json& payload, const IntakeMapping& m);
AdapterResult AdaptAlertmanagerApiV2(const nlohmann::json& payload, const IntakeMapping& m, int64_t now_micros);

// The webhook body's shape, shared with Grafana's contact point (grafana.h),
// which posts the same body plus Grafana's fields.
struct AlertGroupFlavour {
  std::string tool_source = "Alertmanager";
  std::string key_prefix = "am";
  bool grafana = false;  // keep orgId, state, values, dashboardURL, panelURL, silenceURL
};
AdapterResult AdaptAlertGroup(const nlohmann::json& payload, const IntakeMapping& m, const AlertGroupFlavour& f);

}  // namespace aw::core::intake
