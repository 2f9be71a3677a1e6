#pragma once

// Small helpers shared by the route files.

#include <string>

#include <nlohmann/json.hpp>

#include "http/request.h"
#include "services/identity/auth_service.h"
#include "services/identity/company_service.h"
#include "services/page.h"

namespace aw::http {

// The caller, from "Authorization: Bearer <jwt>". 401 when absent or invalid.
// Also noted on `req` for the audit hook (http/audit_hook.h).
services::Principal RequireUser(const Request& req, services::AuthService& auth);

// For a route on one located item ({id} in the path) that reads a body: the
// item's company `owner` (empty: no such item) is noted for the audit, then
// 404 `what` unless `p` may see it. Called before the body is read, so a
// caller of another company gets the tenant answer, never a 422 about its
// body. Returns `owner`.
std::string RequireVisibleOwnerOf(const Request& req, const services::Principal& p, std::string owner,
                                  const char* what);

// For a route under /api/companies/{id}: the caller, when it may see that
// company and the company exists; else 404 company (a foreign company looks
// missing). The tenant check such a route makes first, before its body.
services::Principal RequireCompanyUser(const Request& req, services::AuthService& auth,
                                       services::CompanyService* companies);
// The same, and the caller administers the company (403 otherwise).
services::Principal RequireCompanyAdminUser(const Request& req, services::AuthService& auth,
                                            services::CompanyService* companies);

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
