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

// A number as int64. A float is truncated, as get<int64_t> does, but one
// outside int64 (a cast of it is undefined behaviour) and an unsigned above
// INT64_MAX (get<int64_t> would wrap it) are the wrong type.
int64_t Int64(const json& v) {
  if (v.is_number_float()) {
    const double d = v.get<double>();
    if (!(d >= -0x1p63 && d < 0x1p63)) {
      throw json::type_error::create(302, "number " + v.dump() + " is outside int64", &v);
    }
  } else if (v.is_number_unsigned() && v.get<uint64_t>() > static_cast<uint64_t>(INT64_MAX)) {
    throw json::type_error::create(302, "number " + v.dump() + " is outside int64", &v);
  }
  return v.get<int64_t>();
}

void Take(json& item, const char* name, int64_t* out) {
  if (auto v = TakeAttr(item, name)) *out = Int64(*v);
}

void Take(json& item, const char* name, bool* out) {
  if (auto v = TakeAttr(item, name)) *out = v->get<bool>();
}

void Take(json& item, const char* name, std::optional<std::string>* out) {
  if (auto v = TakeAttr(item, name)) *out = std::move(v->get_ref<std::string&>());
}

void Take(json& item, const char* name, std::optional<int64_t>* out) {
  if (auto v = TakeAttr(item, name)) *out = Int64(*v);
}

void Take(json& item, const char* name, std::vector<std::string>* out) {
  if (auto v = TakeAttr(item, name)) *out = v->get<std::vector<std::string>>();
}

// `extra` as the start of an item (an object even when it was not one).
json Base(const json& extra) { return extra.is_object() ? extra : json::object(); }

// Each record names its attributes once, in a Fields function that both
// codecs walk: Reader takes each attribute out of the item (what remains is
// `extra`), Writer puts it back. So the two directions cannot disagree.
struct Reader {
  static constexpr bool kReading = true;
  json& item;
  template <class T>
  void operator()(const char* name, T& out) {
    Take(item, name, &out);
  }
  void operator()(const char* name, json& out) {
    if (auto v = TakeAttr(item, name)) out = std::move(*v);
  }
  // An attribute written only when non-empty.
  void Omittable(const char* name, std::string& out) { Take(item, name, &out); }
};

struct Writer {
  static constexpr bool kReading = false;
  json& item;
  template <class T>
  void operator()(const char* name, const T& v) {
    item[name] = v;
  }
  void operator()(const char* name, const std::optional<std::string>& v) {
    item[name] = v ? json(*v) : json(nullptr);
  }
  void operator()(const char* name, const std::optional<int64_t>& v) {
    if (v) item[name] = *v;
  }
  void Omittable(const char* name, const std::string& v) {
    if (!v.empty()) item[name] = v;
  }
};

template <class Io, class A>
void AlertFields(Io& io, A& a) {
  io("company_id", a.company_id);
  io("id", a.id);
  io("asset_name", a.asset_name);
  io("signature", a.signature);
  io("severity", a.severity);
  io("message", a.message);
  io("tool_source", a.tool_source);
  io("status", a.status);
  io("timestamp", a.timestamp);
  io("received_at", a.received_at);
  io("last_seen", a.last_seen);
  io("delivery_attempts", a.delivery_attempts);
  io.Omittable("delivery_id", a.delivery_id);
  io.Omittable("asset_id", a.asset_id);
  io.Omittable("correlated_incident_id", a.correlated_incident_id);
  io("metadata", a.metadata);
  io("ttl", a.ttl);
}

template <class Io, class I>
void IncidentFields(Io& io, I& i) {
  io("company_id", i.company_id);
  io("id", i.id);
  io("title", i.title);
  io("description", i.description);
  io("status", i.status);
  io("severity", i.severity);
  io("alert_ids", i.alert_ids);
  io("alert_count", i.alert_count);
  io("active_alert_count", i.active_alert_count);
  io("tool_sources", i.tool_sources);
  io("signature", i.signature);
  io("asset_name", i.asset_name);
  io("asset_id", i.asset_id);
  io("critical_asset", i.critical_asset);
  io("category", i.category);
  io("correlation_key", i.correlation_key);
  io("correlation_ptr", i.correlation_ptr);
  io("assigned_to", i.assigned_to);
  io("assigned_at", i.assigned_at);
  io("resolved_at", i.resolved_at);
  io("resolved_by", i.resolved_by);
  io("resolution_notes", i.resolution_notes);
  io("escalated", i.escalated);
  io("escalation_level", i.escalation_level);
  io("created_at", i.created_at);
  io("updated_at", i.updated_at);
  io("first_alert_at", i.first_alert_at);
  io("last_alert_at", i.last_alert_at);
  io("last_alert_us", i.last_alert_us);
  io("priority_score", i.priority_score);
  io("version", i.version);
}

template <class Io, class P>
void PointerFields(Io& io, P& p) {
  io("company_id", p.pk);
  io("id", p.id);
  io("incident_id", p.incident_id);
  if (Io::kReading || p.incident_id.empty()) {  // pending alerts only while no incident is named
    io("pending_ids", p.pending_ids);
    io("pending_severity", p.pending_severity);
    io("pending_tools", p.pending_tools);
  }
  io("last_at_us", p.last_at_us);
  io("version", p.version);
  io("ttl", p.ttl);
}

template <class Io, class C>
void ClaimFields(Io& io, C& c) {
  io("company_id", c.company_id);
  io("id", c.id);
  io("alert_id", c.alert_id);
  io("created_us", c.created_us);
  io("ttl", c.ttl);
}

template <class R, class F>
R Decode(json item, F fields) {
  R r;
  if (!item.is_object()) return r;
  Reader reader{item};
  fields(reader, r);
  r.extra = std::move(item);
  return r;
}

template <class R, class F>
json Encode(const R& r, F fields) {
  json item = Base(r.extra);
  Writer writer{item};
  fields(writer, r);
  return item;
}

}  // namespace

Alert Alert::FromItem(json item) {
  return Decode<Alert>(std::move(item), [](Reader& io, Alert& a) { AlertFields(io, a); });
}
json Alert::ToItem() const {
  return Encode(*this, [](Writer& io, const Alert& a) { AlertFields(io, a); });
}

Incident Incident::FromItem(json item) {
  return Decode<Incident>(std::move(item), [](Reader& io, Incident& i) { IncidentFields(io, i); });
}
json Incident::ToItem() const {
  return Encode(*this, [](Writer& io, const Incident& i) { IncidentFields(io, i); });
}

CorrelationPointer CorrelationPointer::FromItem(json item) {
  return Decode<CorrelationPointer>(std::move(item),
                                    [](Reader& io, CorrelationPointer& p) { PointerFields(io, p); });
}
json CorrelationPointer::ToItem() const {
  return Encode(*this, [](Writer& io, const CorrelationPointer& p) { PointerFields(io, p); });
}

RepeatClaim RepeatClaim::FromItem(json item) {
  return Decode<RepeatClaim>(std::move(item), [](Reader& io, RepeatClaim& c) { ClaimFields(io, c); });
}
json RepeatClaim::ToItem() const {
  return Encode(*this, [](Writer& io, const RepeatClaim& c) { ClaimFields(io, c); });
}

}  // namespace aw::core
