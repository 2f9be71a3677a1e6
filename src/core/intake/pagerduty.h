#pragma once

// PagerDuty Events API v2 (POST https://events.pagerduty.com/v2/enqueue)
// event -> what intake does with it.
//
// Body: {"routing_key", "event_action": "trigger"|"acknowledge"|"resolve",
// "dedup_key", "payload": {"summary", "source", "severity":
// "critical"|"error"|"warning"|"info", "timestamp", "component", "group",
// "class", "custom_details"}, "client", "client_url", "links", "images"}.
// A trigger needs payload.summary, .source and .severity; acknowledge and
// resolve need dedup_key (their payload is optional and ignored but for
// validation).
//
// Mapping (docs/intake.md): source -> asset; class, else dedup_key, else the
// summary (cut to 256 bytes) -> signature; summary -> message; severity via
// the company's map, then critical->critical, error->high, warning->medium,
// info->low; timestamp -> timestamp; component, group, class, severity ->
// labels; dedup_key, custom_details, client, client_url, links -> metadata.
// A trigger without dedup_key gets one derived from source and summary (so a
// re-sent trigger gets the same one back). Repeats are found by content (a
// trigger identical to an active alert), not by dedup_key: PagerDuty opens a
// new alert for a dedup_key whose alert was resolved, and so do we.
// Pure; thread-safe.

#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "core/intake/tool_alert.h"

namespace aw::core::intake {

enum class PagerDutyAction { kTrigger, kAcknowledge, kResolve };

struct PagerDutyEvent {
  PagerDutyAction action = PagerDutyAction::kTrigger;
  std::string routing_key;  // may be empty (then the API key comes from a header)
  std::string dedup_key;    // as sent, or derived for a trigger without one
  // Trigger: the alert to open. Acknowledge/resolve: empty (the route finds
  // the alerts of dedup_key).
  std::optional<ToolAlert> alert;
};

struct PagerDutyResult {
  std::optional<PagerDutyEvent> event;
  std::optional<AdapterError> error;
};

// The routing key alone (to authenticate before validating the rest): the
// string at "routing_key", or "" when absent or not a string.
std::string PagerDutyRoutingKey(const nlohmann::json& payload);

PagerDutyResult AdaptPagerDuty(const nlohmann::json& payload, const IntakeMapping& m);

}  // namespace aw::core::intake
