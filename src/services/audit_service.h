#pragma once

// The audit trail (AuditLogs): who did what to which resource, from where,
// and how it ended. Sort key "<ISO-8601 UTC µs>#<id>", so two entries in one
// instant both survive. Entries without a company (sign-ins, user
// management) go to the partition "_msp", visible to MSP admins only.
// Thread-safe.

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "services/context.h"
#include "services/page.h"
#include "services/identity/principal.h"

namespace aw::services {

inline constexpr const char* kMspAuditPartition = "_msp";

struct AuditEntry {
  std::string company_id;  // empty: kMspAuditPartition
  std::string user_id;
  std::string user_email;
  std::string user_role;
  std::string action;         // e.g. "incident_updated", "login_failed"
  std::string resource_type;  // e.g. "incident"
  std::string resource_id;
  nlohmann::json details = nlohmann::json::object();
  std::string ip;
  std::string user_agent;
  std::string outcome = "success";  // success | failure | denied
  int status = 0;                    // HTTP status of the call
  std::string request_id;
};

class AuditService {
 public:
  explicit AuditService(Context* ctx) : ctx_(ctx) {}

  // Writes the entry durably. Never throws: a failure is logged.
  void Record(const AuditEntry& e);
  // Newest first; company admins see their companies, MSP admins all plus
  // "_msp". `action` filters when non-empty.
  Page List(const Principal& p, const std::string& company_id, const std::string& action, int limit,
            const std::string& cursor, const std::vector<std::string>& all_company_ids);
  // Counts by action, outcome and user over the last `days` days (reads at
  // most kSummaryCap entries; says so when capped).
  nlohmann::json Summary(const Principal& p, const std::string& company_id, int days,
                         const std::vector<std::string>& all_company_ids);

  static constexpr int kSummaryCap = 20000;

 private:
  std::vector<std::string> Partitions(const Principal& p, const std::string& company_id,
                                      const std::vector<std::string>& all_company_ids);
  Context* ctx_;
};

}  // namespace aw::services
