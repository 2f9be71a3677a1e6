#include "http/api_util.h"

#include "base/errors.h"
#include "http/audit_hook.h"
#include "http/json_body.h"
#include "services/identity/tenant_scope.h"

namespace aw::http {

services::Principal RequireUser(const Request& req, services::AuthService& auth) {
  std::string_view h = req.Header("Authorization");
  if (h.empty()) Throw(ErrorKind::kUnauthenticated, "not_authenticated", "missing Authorization: Bearer token");
  constexpr std::string_view kBearer = "bearer ";
  if (h.size() <= kBearer.size()) Throw(ErrorKind::kUnauthenticated, "invalid_token", "malformed Authorization header");
  for (size_t i = 0; i < kBearer.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(h[i])) != kBearer[i]) {
      Throw(ErrorKind::kUnauthenticated, "invalid_token", "Authorization must use the Bearer scheme");
    }
  }
  services::Principal p = auth.Authenticate(h.substr(kBearer.size()));
  NoteAuditPrincipal(req, p);
  return p;
}

services::Principal RequireCompanyUser(const Request& req, services::AuthService& auth,
                                       services::CompanyService* companies) {
  services::Principal p = RequireUser(req, auth);
  services::RequireVisibleCompany(companies, p, req.PathParam("id"));
  return p;
}

services::Principal RequireCompanyAdminUser(const Request& req, services::AuthService& auth,
                                            services::CompanyService* companies) {
  services::Principal p = RequireCompanyUser(req, auth, companies);
  services::RequireCompanyAdmin(p, req.PathParam("id"));
  return p;
}

std::string RequireVisibleOwnerOf(const Request& req, const services::Principal& p, std::string owner,
                                  const char* what) {
  NoteAuditTarget(req, owner, req.PathParam("id"));
  services::RequireVisibleOwner(p, owner, what);
  return owner;
}

PageParams ReadPageParams(const Request& req) {
  PageParams p;
  p.limit = QueryInt(req, "limit", services::kDefaultPageSize, 1, services::kMaxPageSize);
  p.cursor = req.QueryParam("cursor").value_or("");
  if (p.cursor.size() > 2048) ThrowInvalidField("cursor", "too long");
  return p;
}

Response ListResponse(const services::Page& page) {
  Response r = Response::Json(200, page.items);
  if (!page.next_cursor.empty()) r.headers.emplace_back("X-Next-Cursor", page.next_cursor);
  return r;
}

std::vector<std::string> StringList(const nlohmann::json& body, const char* field, size_t max_items) {
  std::vector<std::string> out;
  auto it = body.find(field);
  if (it == body.end() || it->is_null()) return out;
  if (!it->is_array()) ThrowInvalidField(field, "must be a list of strings");
  if (it->size() > max_items) ThrowInvalidField(field, "too many items");
  for (const auto& v : *it) {
    if (!v.is_string() || v.get_ref<const std::string&>().empty()) ThrowInvalidField(field, "must be a list of strings");
    out.push_back(v.get<std::string>());
  }
  return out;
}

}  // namespace aw::http
