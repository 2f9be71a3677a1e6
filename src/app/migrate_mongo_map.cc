// Mapping of the original MongoDB documents to the seed design's items
// (docs/migration.md has the table). Fields the mapping does not know are
// kept as they are.

#include <algorithm>
#include <cctype>

#include "app/migrate.h"
#include "app/migrate_extjson.h"
#include "base/time_format.h"
#include "core/incident_status.h"
#include "crypto/hash.h"
#include "services/audit_service.h"
#include "services/incidents/incident_items.h"
#include "services/identity/principal.h"
#include "services/runbooks/runbook_service.h"
#include "store/tables.h"

namespace aw::app::migrate {

namespace t = store::tables;
using nlohmann::json;

namespace {

constexpr size_t kMaxIdBytes = 256;

Status Bad(const std::string& field, const std::string& what) { return Status::InvalidArgument(field + ": " + what); }

bool IsDateField(const std::string& k) {
  return k == "timestamp" || (k.size() > 3 && k.compare(k.size() - 3, 3, "_at") == 0) || k == "last_seen" ||
         k == "expires" || k == "due";
}

// Dates to the project's ISO form; "_id" -> id. Fails on a date field that is
// neither a date nor null.
Result<json> Common(const json& doc) {
  if (!doc.is_object()) return Bad("document", "must be a JSON object");
  json out = doc;
  std::string id;
  if (doc.contains("id") && doc["id"].is_string() && !doc["id"].get<std::string>().empty()) {
    id = doc["id"].get<std::string>();
    if (doc.contains("_id") && doc["_id"].is_string() && doc["_id"] != doc["id"]) out["mongo_id"] = doc["_id"];
  } else if (doc.contains("_id") && doc["_id"].is_string()) {
    id = doc["_id"].get<std::string>();
  }
  out.erase("_id");
  if (!id.empty()) {
    if (id.size() > kMaxIdBytes || id.find('#') != std::string::npos) return Bad("id", "is not a usable id");
    out["id"] = id;
  }
  for (auto& [k, v] : out.items()) {
    if (!IsDateField(k) || v.is_null()) continue;
    auto d = NormalizeDate(v);
    if (!d) return Bad(k, "is not a date");
    v = *d;
  }
  return out;
}

Status RequireString(const json& doc, const char* field, size_t max = kMaxIdBytes) {
  if (!doc.contains(field) || !doc[field].is_string() || doc[field].get<std::string>().empty()) {
    return Bad(field, "field required (a non-empty string)");
  }
  if (doc[field].get<std::string>().size() > max) return Bad(field, "is too long");
  return Status::OK();
}

Status RequireKeyString(const json& doc, const char* field) {
  if (Status s = RequireString(doc, field); !s.ok()) return s;
  if (doc[field].get<std::string>().find('#') != std::string::npos) return Bad(field, "must not contain '#'");
  return Status::OK();
}

std::string NowIso(const MapContext& ctx) { return FormatIso8601Micros(ctx.now_us); }

std::string FirstDate(const json& doc, std::initializer_list<const char*> fields, const std::string& fallback) {
  for (const char* f : fields) {
    if (doc.contains(f) && doc[f].is_string()) return doc[f].get<std::string>();
  }
  return fallback;
}

void Default(json& doc, const char* field, json value) {
  if (!doc.contains(field) || doc[field].is_null()) doc[field] = std::move(value);
}

Result<std::vector<WriteItem>> MapUser(json doc, const MapContext& ctx) {
  if (Status s = RequireString(doc, "id"); !s.ok()) return s;
  if (Status s = RequireString(doc, "email", 320); !s.ok()) return s;
  std::string email = doc["email"].get<std::string>();
  std::transform(email.begin(), email.end(), email.begin(), [](unsigned char c) { return std::tolower(c); });
  if (email.find('@') == std::string::npos) return Bad("email", "is not an email address");
  services::Role role = services::Role::kTechnician;
  if (doc.contains("role")) {
    if (!doc["role"].is_string() || !services::ParseRole(doc["role"].get<std::string>(), &role)) {
      return Bad("role", "must be msp_admin, admin, company_admin, technician or client");
    }
  }
  std::string hash;
  for (const char* f : {"password_hash", "hashed_password", "password"}) {
    if (doc.contains(f) && doc[f].is_string()) {
      const std::string h = doc[f].get<std::string>();
      if (h.rfind("$2", 0) == 0 || h.rfind("$argon2", 0) == 0) hash = h;
    }
    doc.erase(f);  // never keep a plain password, even a mislabelled one
  }
  if (hash.empty()) return Bad("password_hash", "field required (a bcrypt or Argon2 hash)");
  json companies = json::array();
  if (doc.contains("company_ids") && doc["company_ids"].is_array()) {
    for (const auto& c : doc["company_ids"]) {
      if (!c.is_string()) return Bad("company_ids", "must be a list of strings");
      companies.push_back(c);
    }
  } else if (doc.contains("company_id") && doc["company_id"].is_string()) {
    companies.push_back(doc["company_id"]);
  }
  const std::string id = doc["id"].get<std::string>();
  const std::string now = NowIso(ctx);
  doc["email"] = email;
  doc["role"] = services::RoleName(role);
  doc["company_ids"] = companies;
  doc["password_hash"] = hash;
  doc["directory"] = "users";
  Default(doc, "name", email);
  Default(doc, "token_version", 0);
  doc["failed_logins"] = 0;
  Default(doc, "created_at", now);
  Default(doc, "updated_at", doc["created_at"]);
  json claim = {{"id", "email#" + email}, {"user_id", id}, {"kind", "email_claim"}, {"created_us", ctx.now_us}};
  return std::vector<WriteItem>{{t::kUsers, claim, "id", "user_id", id}, {t::kUsers, doc, "id", "", ""}};
}

Result<std::vector<WriteItem>> MapCompany(json doc, const MapContext& ctx) {
  if (Status s = RequireKeyString(doc, "id"); !s.ok()) return s;
  if (Status s = RequireString(doc, "name", 200); !s.ok()) return s;
  const std::string id = doc["id"].get<std::string>();
  const std::string now = NowIso(ctx);
  std::string key;
  if (doc.contains("api_key") && doc["api_key"].is_string()) key = doc["api_key"].get<std::string>();
  if (key.size() < 8 || key.size() > 128) {
    if (!key.empty()) return Bad("api_key", "must be 8 to 128 characters long to stay usable");
    key = "aw_" + crypto::Base64UrlEncode(crypto::RandomBytes(32));  // the original had none: a new one
  }
  doc["api_key"] = crypto::Sha256Hex(key);
  doc["api_key_enc"] = ctx.secrets->Seal(key, id);
  doc["api_key_prefix"] = key.substr(0, 7);
  Default(doc, "created_at", now);
  Default(doc, "api_key_created_at", doc["created_at"]);
  Default(doc, "updated_at", doc["created_at"]);
  Default(doc, "policy", json{{"auto_approve_low_risk", false}});
  doc["directory"] = "companies";
  std::vector<WriteItem> out;
  // The original kept the asset inventory inside the company; here each
  // asset is its own CompanyConfigs item (no 400 KB ceiling on inventories).
  if (doc.contains("assets") && doc["assets"].is_array()) {
    for (const auto& a : doc["assets"]) {
      if (!a.is_object()) return Bad("assets", "must be a list of objects");
      std::string name = a.value("name", a.value("id", std::string()));
      if (name.empty() || name.size() > 200 || name.find('#') != std::string::npos) {
        return Bad("assets", "every asset needs a usable name");
      }
      json item = a;
      item["company_id"] = id;
      item["config_type"] = "asset#" + name;
      item["id"] = name;
      item["name"] = name;
      Default(item, "created_at", now);
      out.push_back({t::kCompanyConfigs, item, "company_id", "", ""});
    }
  }
  doc.erase("assets");
  out.push_back({t::kCompanies, doc, "id", "", ""});
  return out;
}

Result<std::vector<WriteItem>> MapAlert(json doc, const MapContext& ctx) {
  if (Status s = RequireKeyString(doc, "id"); !s.ok()) return s;
  if (Status s = RequireKeyString(doc, "company_id"); !s.ok()) return s;
  const std::string now = NowIso(ctx);
  std::string ts = FirstDate(doc, {"timestamp", "received_at", "created_at"}, now);
  doc["timestamp"] = ts;
  Default(doc, "received_at", ts);
  Default(doc, "last_seen", ts);
  Default(doc, "status", "active");
  Default(doc, "severity", "low");
  Default(doc, "asset_name", "");
  Default(doc, "signature", "");
  Default(doc, "message", "");
  Default(doc, "tool_source", "");
  Default(doc, "delivery_attempts", 1);
  Default(doc, "metadata", json::object());
  if ((!doc.contains("correlated_incident_id") || doc["correlated_incident_id"].is_null()) &&
      doc.contains("incident_id") && doc["incident_id"].is_string()) {
    doc["correlated_incident_id"] = doc["incident_id"];
  }
  if (doc.contains("correlated_incident_id") && doc["correlated_incident_id"].is_null()) {
    doc.erase("correlated_incident_id");  // a GSI key attribute must be a string or absent
  }
  doc["ttl"] = ctx.now_us / 1'000'000 + int64_t{ctx.alert_ttl_days} * 86400;
  return std::vector<WriteItem>{{t::kAlerts, doc, "company_id", "", ""}};
}

Result<std::vector<WriteItem>> MapIncident(json doc, const MapContext& ctx) {
  if (Status s = RequireKeyString(doc, "id"); !s.ok()) return s;
  if (Status s = RequireKeyString(doc, "company_id"); !s.ok()) return s;
  const std::string id = doc["id"].get<std::string>();
  const std::string cid = doc["company_id"].get<std::string>();
  const std::string now = NowIso(ctx);
  std::string status = doc.value("status", std::string("new"));
  if (!core::IsIncidentStatus(status)) {
    doc["original_status"] = doc["status"];
    status = (status == "open") ? "new" : (status == "closed" ? "closed" : "new");
  }
  doc["status"] = status;
  json ids = json::array();
  if (doc.contains("alert_ids")) {
    if (!doc["alert_ids"].is_array()) return Bad("alert_ids", "must be a list");
    for (const auto& a : doc["alert_ids"]) {
      if (!a.is_string()) return Bad("alert_ids", "must be a list of strings");
      ids.push_back(a);
    }
  }
  if (ids.size() > services::incident_items::kMaxAlertIds) {
    ids = json(std::vector<json>(ids.end() - static_cast<std::ptrdiff_t>(services::incident_items::kMaxAlertIds), ids.end()));
  }
  doc["alert_ids"] = ids;
  int64_t count = doc.contains("alert_count") && doc["alert_count"].is_number_integer()
                      ? doc["alert_count"].get<int64_t>() : 0;
  count = std::max<int64_t>(count, static_cast<int64_t>(ids.size()));
  doc["alert_count"] = count;
  Default(doc, "active_alert_count", core::IsOpenStatus(status) ? count : 0);
  Default(doc, "severity", "low");
  Default(doc, "signature", "");
  Default(doc, "asset_name", "");
  Default(doc, "asset_id", "");
  Default(doc, "title", doc["signature"].get<std::string>() + " on " + doc["asset_name"].get<std::string>());
  Default(doc, "description", "");
  Default(doc, "tool_sources", json::array());
  Default(doc, "critical_asset", false);
  Default(doc, "category", "other");
  for (const char* f : {"assigned_to", "assigned_at", "resolved_at", "resolved_by", "resolution_notes"}) {
    if (!doc.contains(f)) doc[f] = nullptr;
  }
  Default(doc, "escalated", false);
  Default(doc, "escalation_level", 0);
  Default(doc, "sla", json::object());
  Default(doc, "metadata", json::object());
  Default(doc, "created_at", now);
  Default(doc, "updated_at", doc["created_at"]);
  Default(doc, "first_alert_at", doc["created_at"]);
  Default(doc, "last_alert_at", doc["updated_at"]);
  if (auto us = ParseIso8601(doc["last_alert_at"].get<std::string>())) doc["last_alert_us"] = *us;
  doc["version"] = doc.contains("version") && doc["version"].is_number_integer() ? doc["version"] : json(1);
  doc.erase("priority_score");  // recomputed for the current age when shown
  auto loc = services::incident_items::LocatorKey(id);
  json locator = {{"company_id", loc.pk}, {"id", *loc.sk}, {"owner", cid}};
  // Locator first: an incident is never written without the way to find it.
  return std::vector<WriteItem>{{t::kIncidents, locator, "company_id", "owner", cid},
                                {t::kIncidents, doc, "company_id", "", ""}};
}

// A table keyed by company_id and a time-ordered "<ISO>#<id>" sort key.
Result<std::vector<WriteItem>> MapTimeKeyed(json doc, const MapContext& ctx, const char* table,
                                            const std::string& default_company, int ttl_days) {
  if (Status s = RequireKeyString(doc, "id"); !s.ok()) return s;
  if (!doc.contains("company_id") || doc["company_id"].is_null() ||
      (doc["company_id"].is_string() && doc["company_id"].get<std::string>().empty())) {
    if (default_company.empty()) return Bad("company_id", "field required");
    doc["company_id"] = default_company;
  }
  if (Status s = RequireKeyString(doc, "company_id"); !s.ok()) return s;
  std::string at = FirstDate(doc, {"timestamp", "created_at", "at"}, NowIso(ctx));
  doc["at"] = at;
  doc["timestamp"] = at + "#" + doc["id"].get<std::string>();
  if (ttl_days > 0) doc["ttl"] = ctx.now_us / 1'000'000 + int64_t{ttl_days} * 86400;
  return std::vector<WriteItem>{{table, doc, "company_id", "", ""}};
}

Result<std::vector<WriteItem>> MapCompanyScoped(json doc, const MapContext& ctx, const char* table) {
  if (Status s = RequireKeyString(doc, "id"); !s.ok()) return s;
  if (Status s = RequireKeyString(doc, "company_id"); !s.ok()) return s;
  Default(doc, "created_at", NowIso(ctx));
  std::vector<WriteItem> out;
  if (std::string(table) == t::kRunbooks || std::string(table) == t::kApprovalRequests) {
    // Routes find runbooks and approval requests by id through a locator
    // item (services/runbook_service.h); written first, owner-checked.
    const std::string id = doc["id"].get<std::string>();
    const std::string cid = doc["company_id"].get<std::string>();
    auto loc = services::RunbookLocatorKey(id);
    out.push_back({table, json{{"company_id", loc.pk}, {"id", *loc.sk}, {"owner", cid}}, "company_id", "owner", cid});
  }
  if (std::string(table) == t::kRunbooks) {
    // The original's `actions` (shell commands) are the SSM document's commands here.
    if (!doc.contains("parameters") && doc.contains("actions") && doc["actions"].is_array()) {
      json commands = json::array();
      for (const auto& a : doc["actions"]) {
        if (a.is_string()) commands.push_back(a);
      }
      doc["parameters"] = {{"commands", commands}};
    }
    Default(doc, "ssm_document_name", "AWS-RunShellScript");
    Default(doc, "risk_level", "medium");
    Default(doc, "signature", "");
    Default(doc, "auto_approve", false);
  }
  out.push_back({table, doc, "company_id", "", ""});
  return out;
}

Result<std::vector<WriteItem>> MapNotification(json doc, const MapContext& ctx) {
  if (Status s = RequireKeyString(doc, "id"); !s.ok()) return s;
  if (Status s = RequireKeyString(doc, "user_id"); !s.ok()) return s;
  Default(doc, "created_at", NowIso(ctx));
  Default(doc, "read", false);
  return std::vector<WriteItem>{{t::kNotifications, doc, "user_id", "", ""}};
}

Result<std::vector<WriteItem>> MapConfig(json doc, const MapContext& ctx, const std::string& config_type) {
  if (Status s = RequireKeyString(doc, "company_id"); !s.ok()) return s;
  const std::string cid = doc["company_id"].get<std::string>();
  if (doc.contains("id")) {
    doc["mongo_id"] = doc["id"];
    doc.erase("id");
  }
  doc["config_type"] = config_type;
  Default(doc, "updated_at", NowIso(ctx));
  if (config_type == "webhook_security") {
    // Sealed like WebhookSecurityService does (associated data: company|webhook_security).
    for (const char* f : {"hmac_secret", "secret"}) {
      if (doc.contains(f) && doc[f].is_string() && !doc[f].get<std::string>().empty()) {
        doc["secret_enc"] = ctx.secrets->Seal(doc[f].get<std::string>(), cid + "|webhook_security");
      }
      doc.erase(f);
    }
  }
  return std::vector<WriteItem>{{t::kCompanyConfigs, doc, "company_id", "", ""}};
}

const std::map<std::string, std::string>& ConfigCollections() {
  static const std::map<std::string, std::string> m = {
      {"correlation_configs", "correlation"},
      {"sla_configs", "sla"},
      {"escalation_policies", "escalation_policy"},
      {"webhook_security_configs", "webhook_security"},
      {"rate_limit_configs", "rate_limit"},
      {"rate_limits", "rate_limit"},
  };
  return m;
}

}  // namespace

const std::vector<std::string>& MongoCollections() {
  static const std::vector<std::string> v = {
      "companies", "users", "runbooks", "on_call_schedules", "correlation_configs", "sla_configs",
      "escalation_policies", "webhook_security_configs", "rate_limit_configs", "rate_limits", "alerts",
      "incidents", "approval_requests", "audit_logs", "notifications", "chat_messages",
  };
  return v;
}

Result<std::vector<WriteItem>> MapMongoDocument(const std::string& collection, const json& raw,
                                                const MapContext& ctx) {
  auto converted = FromExtendedJson(raw);
  if (!converted.ok()) return converted.status();
  auto doc = Common(*converted);
  if (!doc.ok()) return doc.status();
  json d = std::move(doc).value();
  if (collection == "users") return MapUser(std::move(d), ctx);
  if (collection == "companies") return MapCompany(std::move(d), ctx);
  if (collection == "alerts") return MapAlert(std::move(d), ctx);
  if (collection == "incidents") return MapIncident(std::move(d), ctx);
  if (collection == "audit_logs") {
    return MapTimeKeyed(std::move(d), ctx, t::kAuditLogs, services::kMspAuditPartition, ctx.audit_ttl_days);
  }
  if (collection == "chat_messages") return MapTimeKeyed(std::move(d), ctx, t::kChatMessages, "", 0);
  if (collection == "notifications") return MapNotification(std::move(d), ctx);
  if (collection == "runbooks") return MapCompanyScoped(std::move(d), ctx, t::kRunbooks);
  if (collection == "approval_requests") return MapCompanyScoped(std::move(d), ctx, t::kApprovalRequests);
  if (collection == "on_call_schedules") return MapCompanyScoped(std::move(d), ctx, t::kOnCallSchedules);
  auto it = ConfigCollections().find(collection);
  if (it != ConfigCollections().end()) return MapConfig(std::move(d), ctx, it->second);
  return Status::InvalidArgument("unknown collection " + collection);
}

}  // namespace aw::app::migrate
