#pragma once

// Small helpers shared by the route files.

#include <string>

#include <nlohmann/json.hpp>

#include "http/request.h"
#include "services/identity/auth_service.h"
#include "services/page.h"

namespace aw::http {

// The caller, from "Authorization: Bearer <jwt>". 401 when absent or invalid.
// Also noted on `req` for the audit hook (http/audit_hook.h).
services::Principal RequireUser(const Request& req, services::AuthService& auth);

struct PageParams {
  int limit;
  std::string cursor;
};
// `limit` (1..500, default 100) and `cursor` query parameters.
PageParams ReadPageParams(const Request& req);

// A JSON array of the page's items; the next cursor, if any, in X-Next-Cursor.
Response ListResponse(const services::Page& page);

// Reads a list of strings (e.g. company_ids); 422 naming `field` otherwise.
std::vector<std::string> StringList(const nlohmann::json& body, const char* field, size_t max_items = 1000);

}  // namespace aw::http
