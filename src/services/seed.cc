#include "services/seed.h"

#include <spdlog/spdlog.h>

#include "base/errors.h"
#include "services/runbooks/runbook_service.h"
#include "store/tables.h"

namespace aw::services {

namespace t = store::tables;
using nlohmann::json;

namespace {

struct DemoCompany {
  const char* id;
  const char* name;
  const char* domain;
};

const DemoCompany kCompanies[] = {
    {"comp-acme", "Acme Corp", "acme.com"},
    {"comp-techstart", "TechStart", "techstart.com"},
    {"comp-global", "Global Systems", "global.com"},
};

constexpr const char* kSystemPartition = "_system";

void PutIfMissing(Context* ctx, const char* table, const json& item, const char* pk) {
  Status s = ctx->store->PutItem({table, item, store::Condition::ItemNotExists(pk)});
  if (!s.ok() && !s.IsConditionFailed()) ThrowIfError(s, table);
}

void SeedAssets(Context* ctx, const DemoCompany& c) {
  struct A { const char* id; const char* name; const char* type; const char* os; bool critical; };
  const A assets[] = {
      {"web-01", "prod-server-01", "server", "Ubuntu 22.04", true},
      {"db-01", "db-primary", "database", "Ubuntu 22.04", true},
      {"app-01", "app-server-02", "server", "Windows Server 2022", false},
  };
  for (const auto& a : assets) {
    json item = {{"company_id", c.id}, {"config_type", std::string("asset#") + a.name}, {"id", a.name},
                 {"name", a.name}, {"type", a.type}, {"os", a.os}, {"is_critical", a.critical},
                 {"tags", json::array({"demo", a.id})}, {"created_at", ctx->Now()}};
    PutIfMissing(ctx, t::kCompanyConfigs, item, "company_id");
  }
}

void SeedOnCall(Context* ctx, const DemoCompany& c, const std::string& tech_id) {
  json item = {{"company_id", c.id}, {"id", std::string("oncall-") + (c.id + 5)},
               {"name", "Business hours"}, {"user_id", tech_id}, {"type", "weekly"},
               {"days_of_week", json::array({0, 1, 2, 3, 4})}, {"start_time", "09:00"},
               {"end_time", "17:00"}, {"timezone", "UTC"}, {"priority", 1},
               {"created_at", ctx->Now()}};
  PutIfMissing(ctx, t::kOnCallSchedules, item, "company_id");
}

void SeedRunbooks(Context* ctx, const DemoCompany& c) {
  struct R { const char* id; const char* name; const char* sig; const char* risk; bool auto_approve; const char* cmd; };
  const R runbooks[] = {
      {"disk-cleanup", "Disk clean-up (Linux)", "disk_space_low", "low", true,
       "sudo journalctl --vacuum-time=7d && sudo apt-get clean"},
      {"restart-service", "Restart a service", "service_down", "medium", false,
       "sudo systemctl restart {{service_name}}"},
      {"high-cpu-diagnose", "Diagnose high CPU", "high_cpu_usage", "low", true, "top -b -n 1 | head -20"},
  };
  for (const auto& r : runbooks) {
    json item = {{"company_id", c.id}, {"id", std::string(r.id) + "-" + (c.id + 5)}, {"name", r.name},
                 {"description", r.name}, {"signature", r.sig}, {"risk_level", r.risk},
                 {"auto_approve", r.auto_approve}, {"ssm_document_name", "AWS-RunShellScript"},
                 {"parameters", {{"commands", json::array({r.cmd})}}}, {"timeout_seconds", 600},
                 {"created_at", ctx->Now()}, {"version", 1}};
    PutIfMissing(ctx, t::kRunbooks, item, "company_id");
    // The locator GET/PUT/DELETE /api/runbooks/{id} use (services/runbook_service.h).
    const std::string id = item["id"];
    PutIfMissing(ctx, t::kRunbooks, json{{"company_id", RunbookLocatorKey(id).pk}, {"id", id}, {"owner", c.id}},
                 "company_id");
  }
}

void EnsureUser(UserService* users, const std::string& email, const std::string& name, const char* password,
                Role role, std::vector<std::string> companies, std::string* id_out = nullptr) {
  if (auto u = users->FindByEmail(email)) {
    if (id_out) *id_out = u->value("id", "");
    return;
  }
  NewUser nu;
  nu.email = email;
  nu.name = name;
  nu.password = password;
  nu.role = role;
  nu.company_ids = std::move(companies);
  try {
    json created = users->Create(nu);
    if (id_out) *id_out = created.value("id", "");
  } catch (const ApiError& e) {
    if (e.code() != "email_taken") throw;  // another replica seeded it first
    if (auto u = users->FindByEmail(email); u && id_out) *id_out = u->value("id", "");
  }
}

}  // namespace

const std::vector<DemoAccount>& DemoAccounts() {
  static const std::vector<DemoAccount> accounts = [] {
    std::vector<DemoAccount> v = {{"admin@alertwhisperer.com", "admin123"}};
    static std::vector<std::string> storage;
    for (const auto& c : kCompanies) {
      storage.push_back(std::string("company@") + c.domain);
      storage.push_back(std::string("tech@") + c.domain);
      storage.push_back(std::string("client@") + c.domain);
    }
    const char* pw[] = {"company123", "tech123", "client123"};
    for (size_t i = 0; i < storage.size(); ++i) v.push_back({storage[i].c_str(), pw[i % 3]});
    return v;
  }();
  return accounts;
}

bool IsSeeded(Context* ctx) {
  auto r = ctx->store->GetItem({t::kCompanyConfigs, {kSystemPartition, "demo_seeded"}});
  return r.ok();
}

void SeedDemo(Context* ctx, UserService* users, CompanyService* companies) {
  std::vector<std::string> all_ids;
  for (const auto& c : kCompanies) {
    companies->Create(c.name, c.id);
    all_ids.push_back(c.id);
  }
  EnsureUser(users, "admin@alertwhisperer.com", "MSP Admin", "admin123", Role::kMspAdmin, all_ids);
  for (const auto& c : kCompanies) {
    const std::string short_name = std::string(c.name);
    EnsureUser(users, std::string("company@") + c.domain, short_name + " Admin", "company123",
               Role::kCompanyAdmin, {c.id});
    std::string tech_id;
    EnsureUser(users, std::string("tech@") + c.domain, short_name + " Technician", "tech123",
               Role::kTechnician, {c.id}, &tech_id);
    EnsureUser(users, std::string("client@") + c.domain, short_name + " Client", "client123", Role::kClient,
               {c.id});
    SeedAssets(ctx, c);
    SeedOnCall(ctx, c, tech_id);
    SeedRunbooks(ctx, c);
  }
  json marker = {{"company_id", kSystemPartition}, {"config_type", "demo_seeded"}, {"seeded_at", ctx->Now()}};
  PutIfMissing(ctx, t::kCompanyConfigs, marker, "company_id");
  spdlog::info("demo data is in place: 3 companies, 10 users");
}

}  // namespace aw::services
