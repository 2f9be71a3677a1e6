#pragma once

// Runbooks (table Runbooks, key company_id + id): what to run through AWS
// Systems Manager for an incident signature, at which risk. A locator item
// ("_loc#<last two id characters>", id) -> owner company serves routes that
// carry only the runbook id. The global library is a fixed set of templates
// compiled in (runbook_library.cc), copied into a company on request.
//
// Roles: company admins (of the company) and MSP admins write; technicians
// read; clients get 403 (runbooks describe the company's infrastructure and
// commands, which the read-only client role does not need).
//
// Thread-safe; methods throw ApiError (403/404/422, 503 from the store).

#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "services/context.h"
#include "services/page.h"
#include "services/identity/principal.h"
#include "store/store.h"

namespace aw::services {

// A runbook's fields, validated by ParseRunbookInput (422 naming the field).
// For an update, absent fields keep their value.
struct RunbookInput {
  std::optional<std::string> name;
  std::optional<std::string> description;
  std::optional<std::string> risk_level;
  std::optional<std::string> signature;
  std::optional<std::string> ssm_document_name;
  std::optional<std::map<std::string, std::vector<std::string>>> parameters;
  std::optional<std::vector<std::string>> instance_ids;  // empty list clears
  std::optional<std::string> target_tag_key;             // "" clears
  std::optional<std::string> target_tag_value;
  std::optional<bool> auto_approve;
  std::optional<int64_t> timeout_seconds;
};

// Validates a request body. `creating`: name and risk_level are required.
RunbookInput ParseRunbookInput(const nlohmann::json& body, bool creating);
// SSM parameters from JSON: an object of string -> list of strings. 422 naming `field`.
std::map<std::string, std::vector<std::string>> ParseSsmParameters(const nlohmann::json& v,
                                                                   const std::string& field);
// The targets of a runbook item or an override body: instance ids or a tag.
struct RunbookTarget {
  std::vector<std::string> instance_ids;
  std::string tag_key;
  std::string tag_value;
  bool empty() const { return instance_ids.empty() && tag_key.empty(); }
  nlohmann::json ToJson() const;
};
RunbookTarget TargetOf(const nlohmann::json& runbook_item);

// One template of the global library.
struct RunbookTemplate {
  std::string id;
  std::string name;
  std::string description;
  std::string category;
  std::string risk_level;
  std::string signature;
  std::string ssm_document_name;
  std::map<std::string, std::vector<std::string>> parameters;
  bool auto_approve = false;
  int64_t timeout_seconds = 600;
};
const std::vector<RunbookTemplate>& GlobalRunbookLibrary();

class RunbookService {
 public:
  explicit RunbookService(Context* ctx) : ctx_(ctx) {}

  // company_id empty: every company the caller sees (all_company_ids for MSP admins).
  Page List(const Principal& p, const std::string& company_id, int limit, const std::string& cursor,
            const std::vector<std::string>& all_company_ids);
  nlohmann::json Get(const Principal& p, const std::string& id);
  nlohmann::json Create(const Principal& p, const std::string& company_id, const RunbookInput& in);
  nlohmann::json Update(const Principal& p, const std::string& id, const RunbookInput& in);
  void Delete(const Principal& p, const std::string& id);

  nlohmann::json LibraryView() const;
  nlohmann::json CopyFromLibrary(const Principal& p, const std::string& template_id,
                                 const std::string& company_id);

  // For the execution service: the runbook item of that company, or nullopt.
  std::optional<nlohmann::json> Find(const std::string& company_id, const std::string& id);
  // Up to `max` runbooks of a company (no role check; internal use).
  std::vector<nlohmann::json> AllOf(const std::string& company_id, int max = 500);
  // The owner company of a runbook id, or "".
  std::string CompanyOf(const std::string& id);

  static nlohmann::json View(const nlohmann::json& item);

 private:
  nlohmann::json CreateWith(const Principal& p, const std::string& company_id, const RunbookInput& in,
                            const nlohmann::json& extra);
  nlohmann::json Write(const Principal& p, const std::string& company_id, nlohmann::json item, bool create);

  Context* ctx_;
};

// Locator for ids that routes carry without their company (runbooks,
// approval requests, executions): ("_loc#<last two id characters>", id),
// attribute "owner" = company id. Spread over 256+ partitions.
store::Key RunbookLocatorKey(const std::string& id);
// The owner recorded by a locator in `table`, or "" (also for ids that cannot be ours).
std::string LocatedOwner(Context* ctx, const char* table, const std::string& id,
                         nlohmann::json* locator = nullptr);

// Clients may not read runbooks, approvals or executions: 403 for them, and
// 403 unless the caller sees the company.
void RequireRunbookReader(const Principal& p, const std::string& company_id);
// The partitions a runbook/approval/execution list reads: `company_id` when
// given (checked by RequireRunbookReader), else every company the caller sees.
std::vector<std::string> RunbookListPartitions(const Principal& p, const std::string& company_id,
                                               const std::vector<std::string>& all_company_ids);

}  // namespace aw::services
