#include "core/intake/cloudwatch.h"

#include <cctype>
#include <map>
#include <tuple>
#include <utility>
#include <vector>

#include "base/time_format.h"

namespace aw::core::intake {

namespace {

using nlohmann::json;

constexpr size_t kMaxName = 256;
constexpr size_t kMaxMessage = 16 * 1024;

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

// At most `max` bytes, cut before a UTF-8 continuation byte.
std::string Shorten(std::string s, size_t max) {
  if (s.size() <= max) return s;
  size_t n = max;
  while (n > 0 && (static_cast<unsigned char>(s[n]) & 0xC0) == 0x80) --n;
  s.resize(n);
  return s;
}

AdapterResult Fail(std::string field, std::string message) {
  AdapterResult r;
  r.error = AdapterError{std::move(field), std::move(message)};
  return r;
}

// Optional string member: absent or null -> "", a string -> it, else an error.
bool OptString(const json& obj, const char* key, const std::string& path, std::string* out,
               std::optional<AdapterError>* err) {
  out->clear();
  auto it = obj.find(key);
  if (it == obj.end() || it->is_null()) return true;
  if (!it->is_string()) {
    *err = AdapterError{path + key, path + key + " must be a string"};
    return false;
  }
  *out = it->get<std::string>();
  return true;
}

struct Dimension {
  std::string name;
  std::string value;
};

// Dimensions are [{"name": ..., "value": ...}] (SNS writes them lower-case;
// "Name"/"Value" as in the CloudWatch API are accepted too).
bool ReadDimensions(const json& dims, const std::string& path, std::vector<Dimension>* out,
                    std::optional<AdapterError>* err) {
  if (dims.is_null()) return true;
  if (!dims.is_array()) {
    *err = AdapterError{path, path + " must be an array of {name, value}"};
    return false;
  }
  for (size_t i = 0; i < dims.size(); ++i) {
    const std::string at = path + "[" + std::to_string(i) + "]";
    const json& d = dims[i];
    if (!d.is_object()) {
      *err = AdapterError{at, at + " must be an object with name and value"};
      return false;
    }
    Dimension dim;
    for (auto [lower, upper, dest] :
         {std::tuple{"name", "Name", &dim.name}, std::tuple{"value", "Value", &dim.value}}) {
      const char* key = d.contains(lower) ? lower : upper;
      if (!OptString(d, key, at + ".", dest, err)) return false;
      if (dest->empty()) {
        *err = AdapterError{at + "." + lower, at + "." + lower + " is required"};
        return false;
      }
    }
    out->push_back(std::move(dim));
  }
  return true;
}

std::string BuiltInSeverity(const std::string& word) {
  static const std::map<std::string, std::string> kTable = {
      {"critical", "critical"},
      {"crit", "critical"},
      {"fatal", "critical"},
      {"emergency", "critical"},
      {"disaster", "critical"},
      {"p1", "critical"},
      {"sev1", "critical"},
      {"high", "high"},
      {"error", "high"},
      {"major", "high"},
      {"p2", "high"},
      {"sev2", "high"},
      {"medium", "medium"},
      {"warning", "medium"},
      {"warn", "medium"},
      {"moderate", "medium"},
      {"average", "medium"},
      {"p3", "medium"},
      {"sev3", "medium"},
      {"low", "low"},
      {"info", "low"},
      {"informational", "low"},
      {"minor", "low"},
      {"p4", "low"},
      {"p5", "low"},
      {"sev4", "low"},
  };
  auto it = kTable.find(word);
  return it == kTable.end() ? "" : it->second;
}

bool IsOurSeverity(const std::string& s) {
  return s == "critical" || s == "high" || s == "medium" || s == "low";
}

}  // namespace

std::string SeverityFromDescription(std::string_view description, const IntakeMapping& mapping) {
  const std::string text = Lower(description);
  for (size_t at = text.find("severity"); at != std::string::npos; at = text.find("severity", at + 1)) {
    size_t i = at + 8;
    while (i < text.size() && text[i] == ' ') ++i;
    if (i >= text.size() || (text[i] != ':' && text[i] != '=')) continue;
    ++i;
    while (i < text.size() && text[i] == ' ') ++i;
    size_t end = i;
    while (end < text.size() &&
           (std::isalnum(static_cast<unsigned char>(text[end])) || text[end] == '_' || text[end] == '-')) {
      ++end;
    }
    const std::string word = text.substr(i, end - i);
    if (word.empty()) continue;
    if (auto it = mapping.severity_map.find(word);
        it != mapping.severity_map.end() && IsOurSeverity(it->second)) {
      return it->second;
    }
    return BuiltInSeverity(word);
  }
  return "";
}

AdapterResult AdaptCloudWatchMessage(std::string_view message, const IntakeMapping& mapping) {
  json alarm = json::parse(message, nullptr, /*allow_exceptions=*/false);
  if (alarm.is_discarded() || !alarm.is_object()) {
    return Fail("Message",
                "Message must be a CloudWatch alarm as a JSON object (AlarmName, NewStateValue, ...)");
  }
  return AdaptCloudWatchAlarm(alarm, mapping);
}

AdapterResult AdaptCloudWatchAlarm(const json& alarm, const IntakeMapping& mapping) {
  if (!alarm.is_object()) return Fail("Message", "Message must be a CloudWatch alarm as a JSON object");
  std::optional<AdapterError> err;
  std::string name, description, account, state, reason, change_time, region, arn, old_state;
  for (auto [key, dest] :
       {std::pair{"AlarmName", &name}, std::pair{"AlarmDescription", &description},
        std::pair{"AWSAccountId", &account}, std::pair{"NewStateValue", &state},
        std::pair{"NewStateReason", &reason}, std::pair{"StateChangeTime", &change_time},
        std::pair{"Region", &region}, std::pair{"AlarmArn", &arn}, std::pair{"OldStateValue", &old_state}}) {
    if (!OptString(alarm, key, "Message.", dest, &err)) return Fail(err->field, err->message);
  }
  if (state.empty())
    return Fail("Message.NewStateValue",
                "Message.NewStateValue is required (ALARM, OK or INSUFFICIENT_DATA)");
  if (state != "ALARM" && state != "OK" && state != "INSUFFICIENT_DATA") {
    return Fail("Message.NewStateValue", "Message.NewStateValue must be ALARM, OK or INSUFFICIENT_DATA");
  }
  std::optional<int64_t> when;
  if (!change_time.empty()) {
    when = ParseIso8601(change_time);
    if (!when) {
      return Fail("Message.StateChangeTime",
                  "Message.StateChangeTime must be an ISO-8601 date-time, e.g. 2026-01-31T12:00:00.000+0000");
    }
  }

  // Trigger: a single-metric alarm has MetricName/Namespace/Dimensions; a
  // metric-math alarm has Metrics[].MetricStat.Metric{...}; a composite
  // alarm has none.
  std::string metric, ns;
  std::vector<Dimension> dims;
  json trigger = json::object();
  if (auto it = alarm.find("Trigger"); it != alarm.end() && !it->is_null()) {
    if (!it->is_object()) return Fail("Message.Trigger", "Message.Trigger must be an object");
    trigger = *it;
    if (!OptString(trigger, "MetricName", "Message.Trigger.", &metric, &err) ||
        !OptString(trigger, "Namespace", "Message.Trigger.", &ns, &err)) {
      return Fail(err->field, err->message);
    }
    if (auto d = trigger.find("Dimensions"); d != trigger.end()) {
      if (!ReadDimensions(*d, "Message.Trigger.Dimensions", &dims, &err))
        return Fail(err->field, err->message);
    }
    if (auto ms = trigger.find("Metrics"); ms != trigger.end() && ms->is_array()) {
      for (size_t i = 0; i < ms->size(); ++i) {
        const json& m = (*ms)[i];
        if (!m.is_object() || !m.contains("MetricStat") || !m["MetricStat"].is_object()) continue;
        const json& stat = m["MetricStat"];
        if (!stat.contains("Metric") || !stat["Metric"].is_object()) continue;
        const json& metric_obj = stat["Metric"];
        const std::string at = "Message.Trigger.Metrics[" + std::to_string(i) + "].MetricStat.Metric";
        if (metric.empty() && !OptString(metric_obj, "MetricName", at + ".", &metric, &err)) {
          return Fail(err->field, err->message);
        }
        if (ns.empty() && !OptString(metric_obj, "Namespace", at + ".", &ns, &err))
          return Fail(err->field, err->message);
        if (auto d = metric_obj.find("Dimensions"); d != metric_obj.end()) {
          if (!ReadDimensions(*d, at + ".Dimensions", &dims, &err)) return Fail(err->field, err->message);
        }
      }
    }
  }
  std::string signature = name;
  if (signature.empty() && !metric.empty()) signature = ns.empty() ? metric : ns + "/" + metric;
  if (signature.empty()) {
    return Fail("Message.AlarmName", "Message.AlarmName is required (or Message.Trigger.MetricName)");
  }

  AdapterResult result;
  if (state == "INSUFFICIENT_DATA") return result;  // no alert, no error (header comment)

  ToolAlert a;
  a.signature = Shorten(signature, kMaxName);
  for (const auto& label : mapping.asset_labels) {
    for (const auto& d : dims) {
      if (a.asset_name.empty() && Lower(d.name) == Lower(label)) a.asset_name = d.value;
    }
  }
  if (a.asset_name.empty() && !dims.empty()) a.asset_name = dims.front().value;
  if (a.asset_name.empty()) a.asset_name = signature;
  a.asset_name = Shorten(a.asset_name, kMaxName);
  a.severity = SeverityFromDescription(description, mapping);
  if (a.severity.empty())
    a.severity = IsOurSeverity(mapping.default_severity) ? mapping.default_severity : "medium";
  if (!reason.empty()) {
    a.message = reason;
  } else if (!description.empty()) {
    a.message = description;
  } else {
    a.message = "CloudWatch alarm " + signature + " is " + state;
  }
  a.message = Shorten(a.message, kMaxMessage);
  a.tool_source = kCloudWatchToolSource;
  a.timestamp_micros = when;
  a.resolved = state == "OK";
  for (const auto& d : dims) a.labels.emplace(d.name, d.value);
  a.labels["alarm_name"] = signature;
  for (auto [key, value] : {std::pair{"namespace", &ns}, std::pair{"metric_name", &metric},
                            std::pair{"region", &region}, std::pair{"aws_account_id", &account}}) {
    if (!value->empty()) a.labels[key] = *value;
  }
  json md = {{"cloudwatch_state", state}};
  for (auto [key, value] : {std::pair{"alarm_arn", &arn}, std::pair{"alarm_description", &description},
                            std::pair{"state_reason", &reason}, std::pair{"state_change_time", &change_time},
                            std::pair{"old_state", &old_state}, std::pair{"region", &region},
                            std::pair{"aws_account_id", &account}}) {
    if (!value->empty()) md[key] = *value;
  }
  if (!trigger.empty()) md["trigger"] = trigger;
  a.metadata = std::move(md);
  if (!arn.empty() && !change_time.empty()) a.repeat_key = arn + "|" + change_time;
  result.alerts.push_back(std::move(a));
  return result;
}

}  // namespace aw::core::intake
