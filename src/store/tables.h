#pragma once

// The 11 tables of the seed design (plus added GSIs), as TableSpecs.
// docs/data-model.md explains every attribute and each refinement.

#include <vector>

#include "store/store.h"

namespace aw::store::tables {

inline constexpr const char* kUsers = "Users";
inline constexpr const char* kCompanies = "Companies";
inline constexpr const char* kAlerts = "Alerts";
inline constexpr const char* kIncidents = "Incidents";
inline constexpr const char* kAuditLogs = "AuditLogs";
inline constexpr const char* kNotifications = "Notifications";
inline constexpr const char* kChatMessages = "ChatMessages";
inline constexpr const char* kOnCallSchedules = "OnCallSchedules";
inline constexpr const char* kRunbooks = "Runbooks";
inline constexpr const char* kApprovalRequests = "ApprovalRequests";
inline constexpr const char* kCompanyConfigs = "CompanyConfigs";

inline constexpr const char* kEmailIndex = "email-index";
inline constexpr const char* kApiKeyIndex = "api_key-index";
inline constexpr const char* kAlertsByTimeIndex = "company_id-timestamp-index";
inline constexpr const char* kAlertsByIncidentIndex = "correlated_incident_id-index";
inline constexpr const char* kIncidentsByStatusIndex = "company_id-status-index";
// Added GSI on Users and Companies (tables without a partition to list):
// partition "directory" holds a constant ("users" / "companies"), so listing
// every user or company is a Query, never a Scan.
inline constexpr const char* kDirectoryIndex = "directory-index";

// Added GSIs for lists across companies (docs/data-model.md, "Cross-company
// lists"): write-sharded partitions ("t#<n>", "open#<n>"), so the MSP admin's
// list of every company costs a fixed number of Queries per page.
inline constexpr const char* kIncidentsByShardIndex = "shard-id-index";            // (time_shard, id)
inline constexpr const char* kOpenIncidentsIndex = "open-priority-index";          // (open_shard, queue_key)
inline constexpr const char* kAlertsByShardIndex = "shard-time-index";             // (time_shard, time_key)

// All table specs, in a stable order.
const std::vector<TableSpec>& All();

}  // namespace aw::store::tables
