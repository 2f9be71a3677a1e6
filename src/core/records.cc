#include "core/records.h"

namespace aw::core {

using nlohmann::json;

namespace {

// Each Take* removes the attribute from `item` (what remains is `extra`).
// Absent or null: the default.
std::optional<json> TakeAttr(json& item, const char* name) {
  auto it = item.find(name);
  if (it == item.end()) return std::nullopt;
  json v = std::move(*it);
  item.erase(it);
  if (v.is_null()) return std::nullopt;
  return v;
}

void Take(json& item, const char* name, std::string* out) {
  if (auto v = TakeAttr(item, name)) *out = std::move(v->get_ref<std::string&>());
}

void Take(json& item, const char* name, int64_t* out) {
  if (auto v = TakeAttr(item, name)) *out = v->get<int64_t>();
}

void Take(json& item, const char* name, bool* out) {
  if (auto v = TakeAttr(item, name)) *out = v->get<bool>();
}

void Take(json& item, const char* name, std::optional<std::string>* out) {
  if (auto v = TakeAttr(item, name)) *out = std::move(v->get_ref<std::string&>());
}

void Take(json& item, const char* name, std::optional<int64_t>* out) {
  if (auto v = TakeAttr(item, name)) *out = v->get<int64_t>();
}

void Take(json& item, const char* name, std::vector<std::string>* out) {
  if (auto v = TakeAttr(item, name)) *out = v->get<std::vector<std::string>>();
}

json Nullable(const std::optional<std::string>& v) { return v ? json(*v) : json(nullptr); }

// `extra` as the start of an item (an object even when it was not one).
json Base(const json& extra) { return extra.is_object() ? extra : json::object(); }

}  // namespace

Alert Alert::FromItem(json item) {
  Alert a;
  if (!item.is_object()) return a;
  Take(item, "company_id", &a.company_id);
  Take(item, "id", &a.id);
  Take(item, "asset_name", &a.asset_name);
  Take(item, "signature", &a.signature);
  Take(item, "severity", &a.severity);
  Take(item, "message", &a.message);
  Take(item, "tool_source", &a.tool_source);
  Take(item, "status", &a.status);
  Take(item, "timestamp", &a.timestamp);
  Take(item, "received_at", &a.received_at);
  Take(item, "last_seen", &a.last_seen);
  Take(item, "delivery_attempts", &a.delivery_attempts);
  Take(item, "delivery_id", &a.delivery_id);
  Take(item, "asset_id", &a.asset_id);
  Take(item, "correlated_incident_id", &a.correlated_incident_id);
  if (auto m = TakeAttr(item, "metadata")) a.metadata = std::move(*m);
  Take(item, "ttl", &a.ttl);
  a.extra = std::move(item);
  return a;
}

json Alert::ToItem() const {
  json item = Base(extra);
  item["company_id"] = company_id;
  item["id"] = id;
  item["asset_name"] = asset_name;
  item["signature"] = signature;
  item["severity"] = severity;
  item["message"] = message;
  item["tool_source"] = tool_source;
  item["status"] = status;
  item["timestamp"] = timestamp;
  item["received_at"] = received_at;
  item["last_seen"] = last_seen;
  item["delivery_attempts"] = delivery_attempts;
  if (!delivery_id.empty()) item["delivery_id"] = delivery_id;
  if (!asset_id.empty()) item["asset_id"] = asset_id;
  if (!correlated_incident_id.empty()) item["correlated_incident_id"] = correlated_incident_id;
  item["metadata"] = metadata;
  if (ttl) item["ttl"] = *ttl;
  return item;
}

Incident Incident::FromItem(json item) {
  Incident i;
  if (!item.is_object()) return i;
  Take(item, "company_id", &i.company_id);
  Take(item, "id", &i.id);
  Take(item, "title", &i.title);
  Take(item, "description", &i.description);
  Take(item, "status", &i.status);
  Take(item, "severity", &i.severity);
  Take(item, "alert_ids", &i.alert_ids);
  Take(item, "alert_count", &i.alert_count);
  Take(item, "active_alert_count", &i.active_alert_count);
  Take(item, "tool_sources", &i.tool_sources);
  Take(item, "signature", &i.signature);
  Take(item, "asset_name", &i.asset_name);
  Take(item, "asset_id", &i.asset_id);
  Take(item, "critical_asset", &i.critical_asset);
  Take(item, "category", &i.category);
  Take(item, "correlation_key", &i.correlation_key);
  Take(item, "correlation_ptr", &i.correlation_ptr);
  Take(item, "assigned_to", &i.assigned_to);
  Take(item, "assigned_at", &i.assigned_at);
  Take(item, "resolved_at", &i.resolved_at);
  Take(item, "resolved_by", &i.resolved_by);
  Take(item, "resolution_notes", &i.resolution_notes);
  Take(item, "escalated", &i.escalated);
  Take(item, "escalation_level", &i.escalation_level);
  Take(item, "created_at", &i.created_at);
  Take(item, "updated_at", &i.updated_at);
  Take(item, "first_alert_at", &i.first_alert_at);
  Take(item, "last_alert_at", &i.last_alert_at);
  Take(item, "last_alert_us", &i.last_alert_us);
  Take(item, "priority_score", &i.priority_score);
  Take(item, "version", &i.version);
  i.extra = std::move(item);
  return i;
}

json Incident::ToItem() const {
  json item = Base(extra);
  item["company_id"] = company_id;
  item["id"] = id;
  item["title"] = title;
  item["description"] = description;
  item["status"] = status;
  item["severity"] = severity;
  item["alert_ids"] = alert_ids;
  item["alert_count"] = alert_count;
  item["active_alert_count"] = active_alert_count;
  item["tool_sources"] = tool_sources;
  item["signature"] = signature;
  item["asset_name"] = asset_name;
  item["asset_id"] = asset_id;
  item["critical_asset"] = critical_asset;
  item["category"] = category;
  item["correlation_key"] = correlation_key;
  item["correlation_ptr"] = correlation_ptr;
  item["assigned_to"] = Nullable(assigned_to);
  item["assigned_at"] = Nullable(assigned_at);
  item["resolved_at"] = Nullable(resolved_at);
  item["resolved_by"] = Nullable(resolved_by);
  item["resolution_notes"] = Nullable(resolution_notes);
  item["escalated"] = escalated;
  item["escalation_level"] = escalation_level;
  item["created_at"] = created_at;
  item["updated_at"] = updated_at;
  item["first_alert_at"] = first_alert_at;
  item["last_alert_at"] = last_alert_at;
  item["last_alert_us"] = last_alert_us;
  item["priority_score"] = priority_score;
  item["version"] = version;
  return item;
}

CorrelationPointer CorrelationPointer::FromItem(json item) {
  CorrelationPointer p;
  if (!item.is_object()) return p;
  Take(item, "company_id", &p.pk);
  Take(item, "id", &p.id);
  Take(item, "incident_id", &p.incident_id);
  Take(item, "pending_ids", &p.pending_ids);
  Take(item, "pending_severity", &p.pending_severity);
  Take(item, "pending_tools", &p.pending_tools);
  Take(item, "last_at_us", &p.last_at_us);
  Take(item, "version", &p.version);
  Take(item, "ttl", &p.ttl);
  p.extra = std::move(item);
  return p;
}

json CorrelationPointer::ToItem() const {
  json item = Base(extra);
  item["company_id"] = pk;
  item["id"] = id;
  item["incident_id"] = incident_id;
  if (incident_id.empty()) {
    item["pending_ids"] = pending_ids;
    item["pending_severity"] = pending_severity;
    item["pending_tools"] = pending_tools;
  }
  item["last_at_us"] = last_at_us;
  item["version"] = version;
  if (ttl) item["ttl"] = *ttl;
  return item;
}

RepeatClaim RepeatClaim::FromItem(json item) {
  RepeatClaim c;
  if (!item.is_object()) return c;
  Take(item, "company_id", &c.company_id);
  Take(item, "id", &c.id);
  Take(item, "alert_id", &c.alert_id);
  Take(item, "created_us", &c.created_us);
  Take(item, "ttl", &c.ttl);
  c.extra = std::move(item);
  return c;
}

json RepeatClaim::ToItem() const {
  json item = Base(extra);
  item["company_id"] = company_id;
  item["id"] = id;
  item["alert_id"] = alert_id;
  item["created_us"] = created_us;
  if (ttl) item["ttl"] = *ttl;
  return item;
}

}  // namespace aw::core
