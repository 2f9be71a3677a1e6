#pragma once

// Datadog webhook integration -> ToolAlert.
//
// Datadog posts whatever payload template the user configured; docs/intake.md
// ships the one this adapter reads (every value is a string, as Datadog
// substitutes $VARIABLES into the text):
//   {"alert_id": "$ALERT_ID", "alert_cycle_key": "$ALERT_CYCLE_KEY",
//    "event_id": "$ID", "alert_transition": "$ALERT_TRANSITION",
//    "alert_title": "$ALERT_TITLE", "alert_priority": "$ALERT_PRIORITY",
//    "alert_type": "$ALERT_TYPE", "hostname": "$HOSTNAME",
//    "event_title": "$EVENT_TITLE", "event_msg": "$EVENT_MSG",
//    "date": "$DATE_POSIX", "tags": "$TAGS", "alert_scope": "$ALERT_SCOPE",
//    "alert_metric": "$ALERT_METRIC", "link": "$LINK", "org_id": "$ORG_ID"}
// Required: alert_id, alert_transition, alert_title.
//
// Mapping: hostname, else the mapping's asset labels among the tags
// ("host:web-1"), else "datadog-monitor-<alert_id>" -> asset; alert_title
// without a leading "[Triggered]"-style tag -> signature; event_msg (without
// Datadog's %%% markers), else event_title, else alert_title -> message;
// alert_priority (P1..P5), else alert_type (error, warning, info, success)
// -> severity; tags -> labels; transition "Recovered" -> resolved; repeat key
// "datadog:<alert_id>:<alert_cycle_key, else event_id>" (+ "#recovered").
// Pure; thread-safe.

#include <nlohmann/json.hpp>

#include "core/intake/tool_alert.h"

namespace aw::core::intake {

AdapterResult AdaptDatadog(const nlohmann::json& payload, const IntakeMapping& m);

}  // namespace aw::core::intake
