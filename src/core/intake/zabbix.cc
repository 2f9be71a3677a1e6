#include "core/intake/zabbix.h"

#include <map>
#include <string_view>

#include "core/intake/common.h"

namespace aw::core::intake {

using nlohmann::json;
using detail::Find;
using detail::Refuse;

namespace {

const std::map<std::string, std::string>& SeverityTable() {
  static const std::map<std::string, std::string> kTable = {
      {"not classified", "low"}, {"information", "low"}, {"warning", "medium"},
      {"average", "medium"},     {"high", "high"},       {"disaster", "critical"},
  };
  return kTable;
}

// "{EVENT.RECOVERY.ID}": a macro Zabbix could not expand in this notification.
bool IsUnexpandedMacro(std::string_view s) {
  if (s.size() < 3 || s.front() != '{' || s.back() != '}') return false;
  for (char c : s.substr(1, s.size() - 2)) {
    if (!((c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' || c == '_')) return false;
  }
  return true;
}

// A parameter: a string (or, from a hand-written sender, an integer);
// absent, empty or an unexpanded macro -> "".
std::string Param(const json& obj, const char* key, size_t max_bytes) {
  const json* v = Find(obj, key);
  if (v == nullptr) return "";
  std::string s;
  if (v->is_string()) {
    s = v->get<std::string>();
  } else if (v->is_number_integer()) {
    s = std::to_string(v->get<int64_t>());
  } else {
    Refuse(key, std::string(key) + " must be a string");
  }
  if (s.size() > max_bytes) Refuse(key, std::string(key) + " must be at most " + std::to_string(max_bytes) + " bytes long");
  return IsUnexpandedMacro(s) ? "" : s;
}

std::string RequiredParam(const json& obj, const char* key, size_t max_bytes, const char* what) {
  std::string s = Param(obj, key, max_bytes);
  if (s.empty()) Refuse(key, std::string(key) + " is required (" + what + ")");
  return s;
}

std::string Digits(const json& obj, const char* key, const char* macro) {
  std::string s = RequiredParam(obj, key, 32, macro);
  if (s.find_first_not_of("0123456789") != std::string::npos) {
    Refuse(key, std::string(key) + " must be a number (" + macro + ")");
  }
  return s;
}

// {EVENT.TAGSJSON}: [{"tag":"scope","value":"availability"}, ...], sent as a
// string by the script (or as the array itself).
std::map<std::string, std::string> Tags(const json& payload) {
  std::map<std::string, std::string> out;
  const json* v = Find(payload, "event_tags");
  if (v == nullptr) return out;
  json arr;
  if (v->is_string()) {
    const auto& s = v->get_ref<const std::string&>();
    if (s.empty() || IsUnexpandedMacro(s)) return out;
    arr = json::parse(s, nullptr, false);
    if (arr.is_discarded()) Refuse("event_tags", "event_tags must be the JSON of {EVENT.TAGSJSON}");
  } else {
    arr = *v;
  }
  if (!arr.is_array()) Refuse("event_tags", "event_tags must be an array of {\"tag\", \"value\"} objects");
  for (size_t i = 0; i < arr.size() && out.size() < kMaxLabels; ++i) {
    const json& t = arr[i];
    const std::string path = detail::Index("event_tags", i);
    if (!t.is_object() || !t.contains("tag") || !t["tag"].is_string()) {
      Refuse(path, path + " must be an object with a string \"tag\"");
    }
    const std::string tag = t["tag"].get<std::string>();
    if (tag.empty() || tag.size() > kMaxLabelBytes) continue;
    const json* value = Find(t, "value");
    if (value != nullptr && !value->is_string()) Refuse(path + ".value", path + ".value must be a string");
    out[tag] = value != nullptr ? value->get<std::string>() : "";
  }
  return out;
}

}  // namespace

AdapterResult AdaptZabbix(const json& payload, const IntakeMapping& m) {
  return detail::Guard([&](AdapterResult& r) {
    detail::RequireObject(payload, "");
    ToolAlert t;
    t.tool_source = "Zabbix";
    const std::string event_id = Digits(payload, "event_id", "{EVENT.ID}");
    const std::string trigger_id = Digits(payload, "trigger_id", "{TRIGGER.ID}");
    const std::string value = RequiredParam(payload, "event_value", 8, "{EVENT.VALUE}");
    if (value != "0" && value != "1") Refuse("event_value", "event_value must be 1 (problem) or 0 (recovery)");
    t.resolved = value == "0";
    t.asset_name = RequiredParam(payload, "host", kMaxAssetBytes, "{HOST.HOST}");
    t.signature = RequiredParam(payload, "trigger_name", kMaxSignatureBytes, "{TRIGGER.NAME}");
    const std::string severity = Param(payload, "severity", 64);
    t.severity = MapSeverity(severity, m, SeverityTable());
    t.message = Param(payload, "message", kMaxMessageBytes);
    if (t.message.empty()) t.message = Param(payload, "subject", kMaxMessageBytes);
    if (t.message.empty()) t.message = t.signature;
    t.labels = Tags(payload);
    t.labels["host"] = t.asset_name;
    t.repeat_key = "zabbix:" + trigger_id + ":" + event_id + (t.resolved ? "#resolved" : "");
    t.metadata["event_id"] = event_id;
    t.metadata["trigger_id"] = trigger_id;
    if (!severity.empty()) t.metadata["zabbix_severity"] = severity;
    for (const char* key : {"host_name", "subject", "event_date", "event_time", "recovery_event_id", "event_url"}) {
      if (std::string v = Param(payload, key, 4096); !v.empty()) t.metadata[key] = v;
    }
    r.alerts.push_back(std::move(t));
  });
}

}  // namespace aw::core::intake
