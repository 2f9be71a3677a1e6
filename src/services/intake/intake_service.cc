#include "services/intake/intake_service.h"

#include <set>

#include "base/errors.h"
#include "core/severity.h"
#include "store/tables.h"

namespace aw::services {

namespace t = store::tables;
using core::intake::IntakeMapping;
using nlohmann::json;

namespace {

constexpr size_t kMaxAssetLabels = 20;
constexpr size_t kMaxSeverityEntries = 200;

const char* kSeverities = "critical, high, medium, low";

std::string Lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

IntakeMapping FromStored(const json& v) {
  IntakeMapping m;
  if (auto it = v.find("asset_labels"); it != v.end() && it->is_array() && !it->empty()) {
    m.asset_labels.clear();
    for (const auto& l : *it) {
      if (l.is_string()) m.asset_labels.push_back(l.get<std::string>());
    }
  }
  if (auto it = v.find("severity_map"); it != v.end() && it->is_object()) {
    for (auto e = it->begin(); e != it->end(); ++e) {
      if (e->is_string()) m.severity_map[e.key()] = e->get<std::string>();
    }
  }
  if (auto it = v.find("default_severity"); it != v.end() && it->is_string())
    m.default_severity = it->get<std::string>();
  return m;
}

json ToJson(const IntakeMapping& m) {
  return {{"asset_labels", m.asset_labels},
          {"severity_map", m.severity_map},
          {"default_severity", m.default_severity}};
}

}  // namespace

IntakeMapping IntakeService::MappingFor(const std::string& company_id) {
  auto stored = configs_->Get(company_id, kConfigType);
  return stored ? FromStored(*stored) : IntakeMapping{};
}

json IntakeService::MappingView(const std::string& company_id) {
  auto stored = configs_->Get(company_id, kConfigType);
  json out = ToJson(stored ? FromStored(*stored) : IntakeMapping{});
  out["company_id"] = company_id;
  out["is_default"] = !stored.has_value();
  if (stored && stored->contains("updated_at")) out["updated_at"] = (*stored)["updated_at"];
  return out;
}

json IntakeService::PutMapping(const std::string& company_id, const json& body) {
  static const std::set<std::string> kFields = {"asset_labels", "severity_map", "default_severity"};
  std::string unknown;
  for (auto it = body.begin(); it != body.end(); ++it) {
    if (kFields.count(it.key()) == 0) unknown += (unknown.empty() ? "" : ", ") + it.key();
  }
  if (!unknown.empty()) {
    ThrowInvalidField(unknown,
                      "unknown field(s); the mapping has asset_labels, severity_map, default_severity");
  }
  IntakeMapping m = MappingFor(company_id);
  if (auto it = body.find("asset_labels"); it != body.end() && !it->is_null()) {
    if (!it->is_array() || it->empty() || it->size() > kMaxAssetLabels) {
      ThrowInvalidField("asset_labels",
                        "must be a list of 1 to " + std::to_string(kMaxAssetLabels) + " label names");
    }
    m.asset_labels.clear();
    for (size_t i = 0; i < it->size(); ++i) {
      const json& l = (*it)[i];
      if (!l.is_string() || l.get_ref<const std::string&>().empty() ||
          l.get_ref<const std::string&>().size() > 128) {
        ThrowInvalidField("asset_labels[" + std::to_string(i) + "]",
                          "must be a label name of 1 to 128 characters");
      }
      m.asset_labels.push_back(l.get<std::string>());
    }
  }
  if (auto it = body.find("severity_map"); it != body.end() && !it->is_null()) {
    if (!it->is_object() || it->size() > kMaxSeverityEntries) {
      ThrowInvalidField("severity_map", "must be an object of at most " +
                                            std::to_string(kMaxSeverityEntries) +
                                            " entries, tool severity -> one of: " + kSeverities);
    }
    m.severity_map.clear();
    for (auto e = it->begin(); e != it->end(); ++e) {
      const std::string field = "severity_map." + e.key();
      if (e.key().empty() || e.key().size() > 128)
        ThrowInvalidField(field, "names must be 1 to 128 characters");
      if (!e->is_string() || !core::ParseSeverity(e->get<std::string>())) {
        ThrowInvalidField(field, std::string("must be one of: ") + kSeverities);
      }
      m.severity_map[Lower(e.key())] = e->get<std::string>();
    }
  }
  if (auto it = body.find("default_severity"); it != body.end() && !it->is_null()) {
    if (!it->is_string() || !core::ParseSeverity(it->get<std::string>())) {
      ThrowInvalidField("default_severity", std::string("must be one of: ") + kSeverities);
    }
    m.default_severity = it->get<std::string>();
  }
  configs_->Put(company_id, kConfigType, ToJson(m));
  return MappingView(company_id);
}

AlertInput IntakeService::ToInput(const core::intake::ToolAlert& t, size_t source_bytes) {
  AlertInput in;
  in.asset_name = t.asset_name;
  in.signature = t.signature;
  in.severity = t.severity;
  in.message = t.message;
  in.tool_source = t.tool_source;
  in.timestamp_micros = t.timestamp_micros;
  in.metadata = t.metadata.is_object() ? t.metadata : json::object();
  in.metadata["labels"] = t.labels;
  in.status = t.resolved ? "resolved" : "active";
  in.source_bytes = source_bytes;
  return in;
}

std::vector<json> IntakeService::ActiveAlertsWithDedupKey(const std::string& company_id,
                                                          const std::string& dedup_key) {
  store::QueryRequest q;
  q.table = t::kAlerts;
  q.index = t::kAlertsByTimeIndex;
  q.pk = company_id;
  q.forward = false;
  q.limit = 1000;
  auto r = ctx_->store->Query(q);
  ThrowIfError(r.status(), "alert");
  std::vector<json> out;
  for (auto& a : r->items) {
    if (a.value("status", "") != "active") continue;
    auto md = a.find("metadata");
    if (md == a.end() || !md->is_object() || md->value("dedup_key", "") != dedup_key) continue;
    out.push_back(std::move(a));
  }
  return out;
}

std::vector<std::string> IntakeService::AcknowledgeIncidents(const std::string& company_id,
                                                             const std::vector<std::string>& incident_ids) {
  Principal integration;
  integration.user_id = "integration:pagerduty";
  integration.email = "PagerDuty Events API";
  integration.name = "PagerDuty Events API";
  integration.role = Role::kCompanyAdmin;
  integration.company_ids = {company_id};
  std::vector<std::string> done;
  for (const auto& id : std::set<std::string>(incident_ids.begin(), incident_ids.end())) {
    if (id.empty()) continue;
    try {
      json inc = incidents_->Get(integration, id);
      const std::string status = inc.value("status", "");
      if (status != "new" && status != "escalated") continue;
      IncidentPatch patch;
      patch.status = "acknowledged";
      incidents_->Update(integration, id, patch);
      done.push_back(id);
    } catch (const ApiError& e) {
      // Gone, or moved on meanwhile (e.g. resolved): nothing to acknowledge.
      if (e.kind() != ErrorKind::kNotFound && e.kind() != ErrorKind::kConflict) throw;
    }
  }
  return done;
}

}  // namespace aw::services
