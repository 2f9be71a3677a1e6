#include "store/tables.h"

namespace aw::store::tables {

const std::vector<TableSpec>& All() {
  static const std::vector<TableSpec> specs = {
      {kUsers, "id", std::nullopt, {{kEmailIndex, "email", std::nullopt}, {kDirectoryIndex, "directory", "email"}}, "ttl"},
      {kCompanies, "id", std::nullopt, {{kApiKeyIndex, "api_key", std::nullopt}, {kDirectoryIndex, "directory", "name"}}, std::nullopt},
      {kAlerts, "company_id", "id",
       {{kAlertsByTimeIndex, "company_id", "timestamp"},
        {kAlertsByIncidentIndex, "correlated_incident_id", "timestamp"},
        {kAlertsByShardIndex, "time_shard", "time_key"}},
       "ttl"},
      {kIncidents, "company_id", "id",
       {{kIncidentsByStatusIndex, "company_id", "status"},
        {kIncidentsByShardIndex, "time_shard", "id"},
        {kOpenIncidentsIndex, "open_shard", "queue_key"}},
       "ttl"},
      {kAuditLogs, "company_id", "timestamp", {}, "ttl"},
      {kNotifications, "user_id", "id", {}, "ttl"},
      {kChatMessages, "company_id", "timestamp", {}, std::nullopt},
      {kOnCallSchedules, "company_id", "id", {}, std::nullopt},
      {kRunbooks, "company_id", "id", {}, std::nullopt},
      {kApprovalRequests, "company_id", "id", {}, "ttl"},
      {kCompanyConfigs, "company_id", "config_type", {}, std::nullopt},
  };
  return specs;
}

}  // namespace aw::store::tables
