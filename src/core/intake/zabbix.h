#pragma once

// A Zabbix webhook media type -> ToolAlert.
//
// Zabbix runs a media type's script with the parameters the user listed;
// docs/intake.md ships the script (it POSTs the parameters as one JSON
// object) and this parameter list (Zabbix macros, all sent as strings):
//   event_id {EVENT.ID}, event_value {EVENT.VALUE} (1 problem, 0 recovery),
//   trigger_id {TRIGGER.ID}, trigger_name {TRIGGER.NAME}, host {HOST.HOST},
//   host_name {HOST.NAME}, severity {EVENT.SEVERITY}, subject
//   {ALERT.SUBJECT}, message {ALERT.MESSAGE}, event_tags {EVENT.TAGSJSON},
//   event_date {EVENT.DATE}, event_time {EVENT.TIME}, recovery_event_id
//   {EVENT.RECOVERY.ID}, event_url (optional).
// Required: event_id, event_value, trigger_id, trigger_name, host. A value
// that is still an unexpanded macro ("{EVENT.RECOVERY.ID}" in a problem
// notification) counts as absent.
//
// Mapping: host -> asset; trigger_name -> signature; message, else subject,
// else trigger_name -> message; severity names (Not classified,
// Information, Warning, Average, High, Disaster) -> low, low, medium,
// medium, high, critical (the company's map first); event_tags -> labels
// (plus host); event_value 0 -> resolved; repeat key
// "zabbix:<trigger_id>:<event_id>" (+ "#resolved"): a recovery carries the
// problem's event id. Pure; thread-safe.

#include <nlohmann/json.hpp>

#include "core/intake/tool_alert.h"

namespace aw::core::intake {

AdapterResult AdaptZabbix(const nlohmann::json& payload, const IntakeMapping& m);

}  // namespace aw::core::intake
