// Runbooks: validation, CRUD, locators, the global library copy.

#include "services/runbooks/runbook_service.h"

#include "base/errors.h"
#include "base/ids.h"
#include "core/runbook_fields.h"
#include "core/runbook_policy.h"
#include "services/identity/tenant_scope.h"
#include "services/merged_query.h"
#include "services/paging.h"
#include "store/tables.h"

namespace aw::services {

namespace t = store::tables;
using nlohmann::json;

store::Key RunbookLocatorKey(const std::string& id) {
  std::string tail = id.size() >= 2 ? id.substr(id.size() - 2) : id;
  return {"_loc#" + tail, id};
}

std::string LocatedOwner(Context* ctx, const char* table, const std::string& id, json* locator) {
  if (id.empty() || id.size() > 128 || id.find('#') != std::string::npos) return "";
  auto r = ctx->store->GetItem({table, RunbookLocatorKey(id)});
  if (r.status().IsNotFound()) return "";
  ThrowIfError(r.status(), "locator");
  if (locator) *locator = *r;
  return r->value("owner", "");
}

void RequireRunbookReader(const Principal& p, const std::string& company_id) {
  RequireSee(p, company_id);
  if (p.role == Role::kClient) ThrowForbidden("clients cannot see runbooks, approvals or executions");
}

std::vector<std::string> RunbookListPartitions(const Principal& p, const std::string& company_id,
                                               const std::vector<std::string>& all_company_ids) {
  if (!company_id.empty()) {
    RequireRunbookReader(p, company_id);
    return {company_id};
  }
  if (p.role == Role::kClient) ThrowForbidden("clients cannot see runbooks, approvals or executions");
  return p.IsMspAdmin() ? all_company_ids : p.company_ids;
}

std::map<std::string, std::vector<std::string>> ParseSsmParameters(const json& v, const std::string& field) {
  if (!v.is_object()) {
    ThrowInvalidField(field,
                      "must be an object of name -> list of strings, e.g. {\"commands\": [\"uptime\"]}");
  }
  std::map<std::string, std::vector<std::string>> out;
  for (const auto& [name, values] : v.items()) {
    if (!values.is_array()) ThrowInvalidField(field + "." + name, "must be a list of strings");
    std::vector<std::string> list;
    for (const auto& x : values) {
      if (!x.is_string()) ThrowInvalidField(field + "." + name, "must be a list of strings");
      list.push_back(x.get<std::string>());
    }
    out[name] = std::move(list);
  }
  if (auto problem = core::CheckParameters(out); !problem.empty()) ThrowInvalidField(field, problem);
  return out;
}

namespace {

std::string TrimmedString(const json& body, const char* field, size_t max_len, bool required) {
  if (!body.contains(field) || body[field].is_null()) {
    if (required) ThrowInvalidField(field, "field required");
    return "";
  }
  if (!body[field].is_string()) ThrowInvalidField(field, "must be a string");
  std::string s = body[field].get<std::string>();
  if (s.size() > max_len)
    ThrowInvalidField(field, "must be at most " + std::to_string(max_len) + " characters long");
  return s;
}

}  // namespace

RunbookInput ParseRunbookInput(const json& body, bool creating) {
  static const char* kKnown[] = {
      "name",         "description",    "risk_level",       "signature",    "ssm_document_name", "parameters",
      "instance_ids", "target_tag_key", "target_tag_value", "auto_approve", "timeout_seconds",   "company_id",
      "id",           "created_at",     "updated_at",       "created_by",   "source_template",   "version"};
  for (const auto& [k, v] : body.items()) {
    bool known = false;
    for (const char* f : kKnown) known = known || k == f;
    if (!known) ThrowInvalidField(k, "unknown field");
  }
  RunbookInput in;
  auto present = [&](const char* f) { return body.contains(f) && !body[f].is_null(); };
  if (creating || present("name")) {
    std::string name = TrimmedString(body, "name", 200, true);
    if (name.empty()) ThrowInvalidField("name", "must not be empty");
    in.name = name;
  }
  if (present("description")) in.description = TrimmedString(body, "description", 4000, false);
  if (creating || present("risk_level")) {
    std::string r = TrimmedString(body, "risk_level", 16, true);
    if (!core::ParseRiskLevel(r)) ThrowInvalidField("risk_level", "must be one of: low, medium, high");
    in.risk_level = r;
  }
  if (present("signature")) in.signature = TrimmedString(body, "signature", 256, false);
  if (present("ssm_document_name")) {
    std::string d = TrimmedString(body, "ssm_document_name", 128, false);
    if (auto problem = core::CheckDocumentName(d); !problem.empty())
      ThrowInvalidField("ssm_document_name", problem);
    in.ssm_document_name = d;
  }
  if (present("parameters")) in.parameters = ParseSsmParameters(body["parameters"], "parameters");
  if (present("instance_ids")) {
    if (!body["instance_ids"].is_array()) ThrowInvalidField("instance_ids", "must be a list of instance ids");
    std::vector<std::string> ids;
    for (const auto& x : body["instance_ids"]) {
      if (!x.is_string()) ThrowInvalidField("instance_ids", "must be a list of strings");
      ids.push_back(x.get<std::string>());
    }
    if (!ids.empty()) {
      if (auto problem = core::CheckInstanceIds(ids); !problem.empty())
        ThrowInvalidField("instance_ids", problem);
    }
    in.instance_ids = std::move(ids);
  }
  if (present("target_tag_key")) {
    std::string k = TrimmedString(body, "target_tag_key", 200, false);
    if (!k.empty()) {
      if (auto problem = core::CheckTagKey(k); !problem.empty()) ThrowInvalidField("target_tag_key", problem);
    }
    in.target_tag_key = k;
  }
  if (present("target_tag_value")) {
    std::string v = TrimmedString(body, "target_tag_value", 300, false);
    if (!v.empty()) {
      if (auto problem = core::CheckTagValue(v); !problem.empty())
        ThrowInvalidField("target_tag_value", problem);
    }
    in.target_tag_value = v;
  }
  if (in.instance_ids && !in.instance_ids->empty() && in.target_tag_key && !in.target_tag_key->empty()) {
    ThrowInvalidField("instance_ids",
                      "give either instance_ids or target_tag_key/target_tag_value, not both");
  }
  if (in.target_tag_key && !in.target_tag_key->empty() &&
      (!in.target_tag_value || in.target_tag_value->empty())) {
    ThrowInvalidField("target_tag_value", "field required with target_tag_key");
  }
  if (present("auto_approve")) {
    if (!body["auto_approve"].is_boolean()) ThrowInvalidField("auto_approve", "must be true or false");
    in.auto_approve = body["auto_approve"].get<bool>();
  }
  if (present("timeout_seconds")) {
    const json& v = body["timeout_seconds"];
    if (!v.is_number_integer()) ThrowInvalidField("timeout_seconds", "must be an integer");
    int64_t n = v.get<int64_t>();
    if (n < core::kMinRunbookTimeoutSeconds || n > core::kMaxRunbookTimeoutSeconds) {
      ThrowInvalidField("timeout_seconds", "must be between " +
                                               std::to_string(core::kMinRunbookTimeoutSeconds) + " and " +
                                               std::to_string(core::kMaxRunbookTimeoutSeconds));
    }
    in.timeout_seconds = n;
  }
  return in;
}

json RunbookTarget::ToJson() const {
  if (!instance_ids.empty()) return {{"instance_ids", instance_ids}};
  if (!tag_key.empty()) return {{"target_tag_key", tag_key}, {"target_tag_value", tag_value}};
  return json::object();
}

RunbookTarget TargetOf(const json& item) {
  RunbookTarget t;
  if (item.contains("instance_ids") && item["instance_ids"].is_array()) {
    for (const auto& x : item["instance_ids"]) {
      if (x.is_string()) t.instance_ids.push_back(x.get<std::string>());
    }
  }
  if (t.instance_ids.empty()) {
    t.tag_key = item.value("target_tag_key", "");
    t.tag_value = item.value("target_tag_value", "");
  }
  return t;
}

json RunbookService::View(const json& item) {
  json out = item;
  out.erase("ttl");
  if (!out.contains("ssm_document_name")) out["ssm_document_name"] = core::kDefaultSsmDocument;
  if (!out.contains("parameters")) out["parameters"] = json::object();
  if (!out.contains("instance_ids")) out["instance_ids"] = json::array();
  if (!out.contains("target_tag_key")) out["target_tag_key"] = nullptr;
  if (!out.contains("target_tag_value")) out["target_tag_value"] = nullptr;
  if (!out.contains("description")) out["description"] = "";
  if (!out.contains("signature")) out["signature"] = "";
  if (!out.contains("auto_approve")) out["auto_approve"] = false;
  if (!out.contains("timeout_seconds")) out["timeout_seconds"] = 600;
  return out;
}

std::string RunbookService::CompanyOf(const std::string& id) { return LocatedOwner(ctx_, t::kRunbooks, id); }

std::optional<json> RunbookService::Find(const std::string& company_id, const std::string& id) {
  if (company_id.empty() || id.empty() || id.size() > 128) return std::nullopt;
  auto r = ctx_->store->GetItem({t::kRunbooks, {company_id, id}});
  if (r.status().IsNotFound()) return std::nullopt;
  ThrowIfError(r.status(), "runbook");
  return std::move(r).value();
}

std::vector<json> RunbookService::AllOf(const std::string& company_id, int max) {
  std::vector<json> out;
  store::QueryRequest q;
  q.table = t::kRunbooks;
  q.pk = company_id;
  q.limit = 200;
  ThrowIfError(ForEachItem(ctx_->store, q,
                           [&](store::Item& it) {
                             if (static_cast<int>(out.size()) >= max) return false;
                             out.push_back(std::move(it));
                             return true;
                           }),
               "runbooks");
  return out;
}

Page RunbookService::List(const Principal& p, const std::string& company_id, int limit,
                          const std::string& cursor, const std::vector<std::string>& all_company_ids) {
  MergedQuery q;
  q.table = t::kRunbooks;
  q.partitions = RunbookListPartitions(p, company_id, all_company_ids);
  q.limit = limit;
  q.cursor = cursor;
  // Newest first by id (UUIDv7 ids are time-ordered); the default order key keeps pages consistent.
  Page page = RunMergedQuery(ctx_->store, q);
  for (auto& it : page.items) it = View(it);
  return page;
}

json RunbookService::Get(const Principal& p, const std::string& id) {
  std::string cid = CompanyOf(id);
  RequireVisibleOwner(p, cid, "runbook");
  RequireRunbookReader(p, cid);
  auto item = Find(cid, id);
  if (!item) ThrowNotFound("runbook");
  return View(*item);
}

json RunbookService::Write(const Principal& p, const std::string& company_id, json item, bool create) {
  const std::string id = item.value("id", "");
  if (create) {
    ThrowIfError(ctx_->store->PutItem(
                     {t::kRunbooks,
                      json{{"company_id", RunbookLocatorKey(id).pk}, {"id", id}, {"owner", company_id}},
                      {}}),
                 "runbook locator");
    ThrowIfError(ctx_->store->PutItem({t::kRunbooks, item, store::Condition::ItemNotExists("company_id")}),
                 "runbook");
  } else {
    const bool versioned = item.contains("version");
    const int64_t version = item.value("version", int64_t{0});
    item["version"] = version + 1;
    item["updated_at"] = ctx_->Now();
    item["updated_by"] = p.user_id;
    store::Condition cond = versioned ? store::Condition().Equals("version", version)
                                      : store::Condition().Exists("company_id").NotExists("version");
    Status s = ctx_->store->PutItem({t::kRunbooks, item, cond});
    if (s.IsConditionFailed()) {
      Throw(ErrorKind::kConflict, "stale_version",
            "the runbook was changed by someone else; reload it and retry");
    }
    ThrowIfError(s, "runbook");
  }
  return View(item);
}

namespace {

void Apply(const RunbookInput& in, json& item) {
  if (in.name) item["name"] = *in.name;
  if (in.description) item["description"] = *in.description;
  if (in.risk_level) item["risk_level"] = *in.risk_level;
  if (in.signature) item["signature"] = *in.signature;
  if (in.ssm_document_name) item["ssm_document_name"] = *in.ssm_document_name;
  if (in.parameters) {
    json params = json::object();
    for (const auto& [k, v] : *in.parameters) params[k] = v;
    item["parameters"] = params;
  }
  if (in.instance_ids) {
    item["instance_ids"] = *in.instance_ids;
    if (!in.instance_ids->empty()) {
      item.erase("target_tag_key");
      item.erase("target_tag_value");
    }
  }
  if (in.target_tag_key) {
    if (in.target_tag_key->empty()) {
      item.erase("target_tag_key");
      item.erase("target_tag_value");
    } else {
      item["target_tag_key"] = *in.target_tag_key;
      item["target_tag_value"] = in.target_tag_value.value_or("");
      item["instance_ids"] = json::array();
    }
  }
  if (in.auto_approve) item["auto_approve"] = *in.auto_approve;
  if (in.timeout_seconds) item["timeout_seconds"] = *in.timeout_seconds;
  // Only low-risk runbooks may be auto-approved.
  if (item.value("auto_approve", false) && item.value("risk_level", "") != "low") {
    ThrowInvalidField("auto_approve", "only low-risk runbooks may be auto_approve");
  }
}

}  // namespace

json RunbookService::Create(const Principal& p, const std::string& company_id, const RunbookInput& in) {
  return CreateWith(p, company_id, in, json::object());
}

json RunbookService::CreateWith(const Principal& p, const std::string& company_id, const RunbookInput& in,
                                const json& extra) {
  RequireCompanyAdmin(p, company_id);
  const std::string now = ctx_->Now();
  json item = {{"company_id", company_id},
               {"id", NewId(ctx_->clock->NowMicros())},
               {"description", ""},
               {"signature", ""},
               {"ssm_document_name", core::kDefaultSsmDocument},
               {"parameters", json::object()},
               {"instance_ids", json::array()},
               {"auto_approve", false},
               {"timeout_seconds", 600},
               {"created_at", now},
               {"updated_at", now},
               {"created_by", p.user_id},
               {"version", 1}};
  Apply(in, item);
  for (const auto& [k, v] : extra.items()) item[k] = v;
  return Write(p, company_id, std::move(item), true);
}

json RunbookService::Update(const Principal& p, const std::string& id, const RunbookInput& in) {
  std::string cid = CompanyOf(id);
  RequireVisibleOwner(p, cid, "runbook");
  RequireCompanyAdmin(p, cid);
  auto item = Find(cid, id);
  if (!item) ThrowNotFound("runbook");
  Apply(in, *item);
  return Write(p, cid, std::move(*item), false);
}

void RunbookService::Delete(const Principal& p, const std::string& id) {
  std::string cid = CompanyOf(id);
  RequireVisibleOwner(p, cid, "runbook");
  RequireCompanyAdmin(p, cid);
  Status s = ctx_->store->DeleteItem({t::kRunbooks, {cid, id}, store::Condition::ItemExists("company_id")});
  if (s.IsConditionFailed()) ThrowNotFound("runbook");
  ThrowIfError(s, "runbook");
  ThrowIfError(ctx_->store->DeleteItem({t::kRunbooks, RunbookLocatorKey(id), {}}), "runbook locator");
}

json RunbookService::LibraryView() const {
  json out = json::array();
  for (const auto& tpl : GlobalRunbookLibrary()) {
    json params = json::object();
    for (const auto& [k, v] : tpl.parameters) params[k] = v;
    out.push_back({{"id", tpl.id},
                   {"name", tpl.name},
                   {"description", tpl.description},
                   {"category", tpl.category},
                   {"risk_level", tpl.risk_level},
                   {"signature", tpl.signature},
                   {"ssm_document_name", tpl.ssm_document_name},
                   {"parameters", params},
                   {"auto_approve", tpl.auto_approve},
                   {"timeout_seconds", tpl.timeout_seconds}});
  }
  return out;
}

json RunbookService::CopyFromLibrary(const Principal& p, const std::string& template_id,
                                     const std::string& company_id) {
  RequireCompanyAdmin(p, company_id);
  const RunbookTemplate* tpl = nullptr;
  for (const auto& x : GlobalRunbookLibrary()) {
    if (x.id == template_id) tpl = &x;
  }
  if (tpl == nullptr) ThrowNotFound("runbook template");
  RunbookInput in;
  in.name = tpl->name;
  in.description = tpl->description;
  in.risk_level = tpl->risk_level;
  in.signature = tpl->signature;
  in.ssm_document_name = tpl->ssm_document_name;
  in.parameters = tpl->parameters;
  in.auto_approve = tpl->auto_approve;
  in.timeout_seconds = tpl->timeout_seconds;
  return CreateWith(p, company_id, in, json{{"source_template", tpl->id}});
}

}  // namespace aw::services
