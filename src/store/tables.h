#pragma once

// The 11 tables of the seed design (plus one added GSI), as TableSpecs.
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

// All table specs, in a stable order.
const std::vector<TableSpec>& All();

}  // namespace aw::store::tables
