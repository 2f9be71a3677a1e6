#include "core/intake/pagerduty.h"

#include <map>

#include "core/intake/common.h"

namespace aw::core::intake {

using nlohmann::json;
using detail::Find;
using detail::OptionalString;
using detail::OptionalTime;
using detail::Refuse;
using detail::RequiredString;

namespace {

const std::map<std::string, std::string>& SeverityTable() {
  static const std::map<std::string, std::string> kTable = {
      {"critical", "critical"}, {"error", "high"}, {"warning", "medium"}, {"info", "low"}};
  return kTable;
}

// PagerDuty's own limit for dedup_key.
constexpr size_t kMaxDedupKeyBytes = 255;
constexpr size_t kMaxSummaryBytes = 1024;

ToolAlert TriggerAlert(const json& payload, const std::string& dedup_key, const IntakeMapping& m) {
  const json* p = Find(payload, "payload");
  if (p == nullptr) Refuse("payload", "payload is required for a trigger event");
  if (!p->is_object()) Refuse("payload", "payload must be a JSON object");
  ToolAlert t;
  t.tool_source = "PagerDuty";
  t.message = RequiredString(*p, "summary", "payload", kMaxSummaryBytes);
  t.asset_name = RequiredString(*p, "source", "payload", kMaxAssetBytes);
  const std::string severity = RequiredString(*p, "severity", "payload", 32);
  if (SeverityTable().count(severity) == 0) {
    Refuse("payload.severity", "payload.severity must be one of: critical, error, warning, info");
  }
  t.severity = MapSeverity(severity, m, SeverityTable());
  t.timestamp_micros = OptionalTime(*p, "timestamp", "payload");
  t.labels["severity"] = severity;
  for (const char* key : {"component", "group", "class"}) {
    if (auto v = OptionalString(*p, key, "payload", kMaxSignatureBytes); v && !v->empty()) t.labels[key] = *v;
  }
  if (auto c = t.labels.find("class"); c != t.labels.end()) {
    t.signature = c->second;
  } else {
    t.signature = Truncate(dedup_key, kMaxSignatureBytes);
  }
  if (const json* cd = Find(*p, "custom_details"); cd != nullptr) t.metadata["custom_details"] = *cd;
  return t;
}

}  // namespace

std::string PagerDutyRoutingKey(const json& payload) {
  const json* k = Find(payload, "routing_key");
  return k != nullptr && k->is_string() ? k->get<std::string>() : "";
}

PagerDutyResult AdaptPagerDuty(const json& payload, const IntakeMapping& m) {
  PagerDutyResult out;
  AdapterResult guarded = detail::Guard([&](AdapterResult&) {
    detail::RequireObject(payload, "");
    PagerDutyEvent e;
    if (auto k = OptionalString(payload, "routing_key", "", 256)) e.routing_key = *k;
    const std::string action = RequiredString(payload, "event_action", "", 32);
    if (action == "trigger") {
      e.action = PagerDutyAction::kTrigger;
    } else if (action == "acknowledge") {
      e.action = PagerDutyAction::kAcknowledge;
    } else if (action == "resolve") {
      e.action = PagerDutyAction::kResolve;
    } else {
      Refuse("event_action", "event_action must be one of: trigger, acknowledge, resolve");
    }
    if (auto d = OptionalString(payload, "dedup_key", "", kMaxDedupKeyBytes)) e.dedup_key = *d;
    auto client = OptionalString(payload, "client", "", 1024);
    auto client_url = OptionalString(payload, "client_url", "", 4096);
    for (const char* key : {"links", "images"}) {
      if (const json* v = Find(payload, key); v != nullptr && !v->is_array()) {
        Refuse(key, std::string(key) + " must be an array");
      }
    }
    if (e.action != PagerDutyAction::kTrigger) {
      if (e.dedup_key.empty()) Refuse("dedup_key", "dedup_key is required for " + action + " events");
      out.event = std::move(e);
      return;
    }
    if (e.dedup_key.empty()) {
      // Derived from the content, so a re-sent trigger is answered with the
      // same key (PagerDuty generates one too).
      const json* p = Find(payload, "payload");
      std::map<std::string, std::string> basis;
      if (p != nullptr && p->is_object()) {
        for (const char* key : {"source", "summary"}) {
          if (const json* v = Find(*p, key); v != nullptr && v->is_string()) basis[key] = v->get<std::string>();
        }
      }
      e.dedup_key = "aw-" + LabelFingerprint(basis);
    }
    ToolAlert t = TriggerAlert(payload, e.dedup_key, m);
    t.metadata["dedup_key"] = e.dedup_key;
    if (client && !client->empty()) t.metadata["client"] = *client;
    if (client_url && !client_url->empty()) t.metadata["client_url"] = *client_url;
    if (const json* links = Find(payload, "links"); links != nullptr) t.metadata["links"] = *links;
    e.alert = std::move(t);
    out.event = std::move(e);
  });
  if (guarded.error) {
    out.event.reset();
    out.error = guarded.error;
  }
  return out;
}

}  // namespace aw::core::intake
