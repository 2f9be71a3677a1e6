#pragma once

// CloudWatch alarms delivered by Amazon SNS: the SNS Notification's
// `Message` is the alarm's state change as JSON (AlarmName,
// AlarmDescription, AWSAccountId, NewStateValue, NewStateReason,
// StateChangeTime, Region, AlarmArn, OldStateValue, Trigger{MetricName,
// Namespace, Dimensions[{name, value}], ... or Metrics[...] for metric-math
// alarms}). Pure; the mapping is in docs/intake-cloudwatch.md:
//
//   signature   AlarmName (without one: "<Namespace>/<MetricName>")
//   asset       the value of the first dimension named in
//               IntakeMapping.asset_labels (compared case-insensitively),
//               else the first dimension's value, else the alarm name
//   severity    "severity: <word>" (or "severity=<word>") in
//               AlarmDescription, through mapping.severity_map then the
//               built-in names; else mapping.default_severity
//   message     NewStateReason, else AlarmDescription, else a sentence
//   resolved    NewStateValue OK
//   repeat key  AlarmArn + "|" + StateChangeTime (one state change of one
//               alarm, however many topics or retries deliver it)
//
// INSUFFICIENT_DATA yields no alert and no error: it says neither that
// something is wrong nor that it recovered (a new alarm starts in it; a
// metric that stops reporting can be made an ALARM with
// TreatMissingData=breaching, CloudWatch's own setting for that).
//
// Strings longer than intake accepts (asset, signature 256 bytes; message
// 16 KiB) are shortened at a UTF-8 boundary rather than refused: AWS allows
// 1,024-byte dimension values, and a refused alarm would never get in.

#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "core/intake/tool_alert.h"

namespace aw::core::intake {

inline constexpr const char* kCloudWatchToolSource = "CloudWatch";

// `alarm`: the parsed Message. Errors name the field as "Message.<path>".
AdapterResult AdaptCloudWatchAlarm(const nlohmann::json& alarm, const IntakeMapping& mapping);

// As above from the Message text; a Message that is not a JSON object is a
// 400 naming "Message".
AdapterResult AdaptCloudWatchMessage(std::string_view message, const IntakeMapping& mapping);

// The word after "severity:" / "severity=" in `description`
// (case-insensitive), mapped; "" when there is none or it is unknown.
std::string SeverityFromDescription(std::string_view description, const IntakeMapping& mapping);

}  // namespace aw::core::intake
