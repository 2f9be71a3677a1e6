#include "core/intake/alertmanager.h"

#include <map>

#include "base/time_format.h"
#include "core/intake/common.h"

namespace aw::core::intake {

using nlohmann::json;
using detail::Find;
using detail::Index;
using detail::OptionalString;
using detail::OptionalTime;
using detail::Path;
using detail::Refuse;
using detail::StringMap;

namespace {

// Severity label values seen in Prometheus rule sets, lower-case.
const std::map<std::string, std::string>& SeverityTable() {
  static const std::map<std::string, std::string> kTable = {
      {"critical", "critical"}, {"crit", "critical"}, {"fatal", "critical"},   {"page", "critical"},
      {"emergency", "critical"}, {"disaster", "critical"}, {"p1", "critical"}, {"sev1", "critical"},
      {"error", "high"},         {"err", "high"},          {"major", "high"},     {"p2", "high"},
      {"sev2", "high"},          {"warning", "medium"},    {"warn", "medium"},    {"minor", "medium"},
      {"average", "medium"},     {"p3", "medium"},         {"sev3", "medium"},    {"info", "low"},
      {"informational", "low"},  {"notice", "low"},        {"debug", "low"},      {"none", "low"},
      {"ok", "low"},             {"p4", "low"},            {"p5", "low"},         {"sev4", "low"},
  };
  return kTable;
}

// One alert object of either payload. `resolved` is decided by the caller's
// rule (status field or endsAt).
struct Parsed {
  ToolAlert alert;
  std::string starts_at;  // as sent, for the repeat key
};

Parsed ParseOne(const json& a, const std::string& path, const IntakeMapping& m, const std::string& tool) {
  if (!a.is_object()) Refuse(path, path + " must be a JSON object");
  Parsed p;
  ToolAlert& t = p.alert;
  t.tool_source = tool;
  t.labels = StringMap(a, "labels", path);
  const std::string labels_path = Path(path, "labels");
  if (Find(a, "labels") == nullptr) Refuse(labels_path, labels_path + " is required");
  auto name = t.labels.find("alertname");
  if (name == t.labels.end() || name->second.empty()) {
    Refuse(labels_path + ".alertname", labels_path + ".alertname is required (it names the alert)");
  }
  if (name->second.size() > kMaxSignatureBytes) {
    Refuse(labels_path + ".alertname",
           labels_path + ".alertname must be at most " + std::to_string(kMaxSignatureBytes) + " bytes long");
  }
  t.signature = name->second;
  t.asset_name = AssetFromLabels(t.labels, m);
  if (t.asset_name.empty()) {
    auto job = t.labels.find("job");
    t.asset_name = job != t.labels.end() && !job->second.empty() ? job->second : "unknown";
  }
  if (t.asset_name.size() > kMaxAssetBytes) {
    Refuse(labels_path, labels_path + ": the asset label's value must be at most " +
                            std::to_string(kMaxAssetBytes) + " bytes long");
  }
  std::string sev;
  if (auto it = t.labels.find("severity"); it != t.labels.end()) {
    sev = it->second;
  } else if (auto pr = t.labels.find("priority"); pr != t.labels.end()) {
    sev = pr->second;
  }
  t.severity = MapSeverity(sev, m, SeverityTable());
  auto annotations = StringMap(a, "annotations", path);
  for (const char* key : {"summary", "description", "message"}) {
    auto it = annotations.find(key);
    if (it != annotations.end() && !it->second.empty()) {
      t.message = it->second;
      break;
    }
  }
  if (t.message.empty()) t.message = t.signature + " is firing on " + t.asset_name;
  if (t.message.size() > kMaxMessageBytes) {
    Refuse(Path(path, "annotations"), Path(path, "annotations") + ": the summary must be at most " +
                                          std::to_string(kMaxMessageBytes) + " bytes long");
  }
  t.timestamp_micros = OptionalTime(a, "startsAt", path);
  if (t.timestamp_micros) p.starts_at = FormatIso8601Micros(*t.timestamp_micros);
  auto ends = OptionalTime(a, "endsAt", path);
  auto generator = OptionalString(a, "generatorURL", path, 4096);
  auto fingerprint = OptionalString(a, "fingerprint", path, 128);
  if (!annotations.empty()) t.metadata["annotations"] = annotations;
  if (generator && !generator->empty()) t.metadata["generator_url"] = *generator;
  if (ends) t.metadata["ends_at"] = FormatIso8601Micros(*ends);
  const std::string fp = fingerprint && !fingerprint->empty() ? *fingerprint : LabelFingerprint(t.labels);
  t.metadata["fingerprint"] = fp;
  p.starts_at = fp + "@" + p.starts_at;  // the repeat key, before the prefix
  return p;
}

}  // namespace

AdapterResult AdaptAlertGroup(const json& payload, const IntakeMapping& m, const AlertGroupFlavour& f) {
  return detail::Guard([&](AdapterResult& r) {
    detail::RequireObject(payload, "");
    if (auto v = Find(payload, "version"); v != nullptr && !(v->is_string() && *v == "4") && !f.grafana) {
      Refuse("version", "version must be \"4\" (Alertmanager's webhook payload version 4)");
    }
    const json* alerts = Find(payload, "alerts");
    if (alerts == nullptr) Refuse("alerts", "alerts is required (the alerts of the group)");
    if (!alerts->is_array()) Refuse("alerts", "alerts must be an array");
    if (alerts->size() > kMaxAlertsPerPayload) {
      Refuse("alerts", "alerts must hold at most " + std::to_string(kMaxAlertsPerPayload) +
                           " alerts per request; lower max_alerts in the receiver");
    }
    auto receiver = OptionalString(payload, "receiver", "", 1024);
    auto group_key = OptionalString(payload, "groupKey", "", 4096);
    auto external = OptionalString(payload, "externalURL", "", 4096);
    (void)StringMap(payload, "commonLabels", "");
    (void)StringMap(payload, "groupLabels", "");
    json org_id;
    if (f.grafana) {
      if (const json* o = Find(payload, "orgId"); o != nullptr) {
        if (!o->is_number_integer()) Refuse("orgId", "orgId must be an integer");
        org_id = *o;
      }
      (void)OptionalString(payload, "state", "", 64);
    }
    for (size_t i = 0; i < alerts->size(); ++i) {
      const std::string path = Index("alerts", i);
      const json& a = (*alerts)[i];
      Parsed p = ParseOne(a, path, m, f.tool_source);
      const std::string status = detail::RequiredString(a, "status", path, 32);
      if (status != "firing" && status != "resolved") {
        Refuse(Path(path, "status"), Path(path, "status") + " must be \"firing\" or \"resolved\"");
      }
      p.alert.resolved = status == "resolved";
      p.alert.repeat_key = f.key_prefix + ":" + p.starts_at + (p.alert.resolved ? "#resolved" : "");
      p.alert.repeat_key = Truncate(p.alert.repeat_key, kMaxRepeatKeyBytes);
      if (receiver) p.alert.metadata["receiver"] = *receiver;
      if (group_key) p.alert.metadata["group_key"] = *group_key;
      if (external && !external->empty()) p.alert.metadata["external_url"] = *external;
      if (f.grafana) {
        if (!org_id.is_null()) p.alert.metadata["org_id"] = org_id;
        for (const char* key : {"dashboardURL", "panelURL", "silenceURL", "valueString"}) {
          if (auto s = OptionalString(a, key, path, 4096); s && !s->empty()) p.alert.metadata[key] = *s;
        }
        if (const json* values = Find(a, "values"); values != nullptr) {
          if (!values->is_object()) Refuse(Path(path, "values"), Path(path, "values") + " must be an object");
          p.alert.metadata["values"] = *values;
        }
      }
      r.alerts.push_back(std::move(p.alert));
    }
  });
}

AdapterResult AdaptAlertmanagerWebhook(const json& payload, const IntakeMapping& m) {
  return AdaptAlertGroup(payload, m, AlertGroupFlavour{});
}

AdapterResult AdaptAlertmanagerApiV2(const json& payload, const IntakeMapping& m, int64_t now_micros) {
  return detail::Guard([&](AdapterResult& r) {
    if (!payload.is_array()) Refuse("body", "the body must be a JSON array of alerts (Alertmanager API v2)");
    if (payload.size() > kMaxAlertsPerPayload) {
      Refuse("body", "the body must hold at most " + std::to_string(kMaxAlertsPerPayload) + " alerts per request");
    }
    for (size_t i = 0; i < payload.size(); ++i) {
      const std::string path = Index("", i);
      Parsed p = ParseOne(payload[i], path, m, "Prometheus");
      auto ends = OptionalTime(payload[i], "endsAt", path);
      p.alert.resolved = ends && *ends <= now_micros;
      // Without startsAt (amtool may omit it) there is no occurrence to name:
      // the content decides repeats (while the first one is active).
      if (p.alert.timestamp_micros) {
        p.alert.repeat_key =
            Truncate("prom:" + p.starts_at + (p.alert.resolved ? "#resolved" : ""), kMaxRepeatKeyBytes);
      }
      r.alerts.push_back(std::move(p.alert));
    }
  });
}

}  // namespace aw::core::intake
