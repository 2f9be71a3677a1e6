#include "base/errors.h"
#include "base/json_fields.h"
#include "http/api.h"
#include "http/api_util.h"
#include "http/audit_hook.h"
#include "http/json_body.h"

namespace aw::http {

using nlohmann::json;
using services::Role;

namespace {

#define AW_ROLES \
  { "msp_admin", "admin", "company_admin", "technician", "client" }

std::vector<std::string> CompanyIds(const json& body, services::CompanyService* companies) {
  auto ids = StringList(body, "company_ids", 500);
  for (const auto& id : ids) {
    if (!companies->Find(id)) ThrowInvalidField("company_ids", "unknown company " + id);
  }
  return ids;
}

}  // namespace

void RegisterUserRoutes(Router& router, const Services& s) {
  auto* auth = s.auth;
  auto* users = s.users;
  auto* companies = s.companies;
  AddRoute(router, s, "GET", "/api/users", [auth, users](Request& req) {
    auto p = RequireUser(req, *auth);
    auto pp = ReadPageParams(req);
    return ListResponse(users->List(p, pp.limit, pp.cursor));
  });
  AddRoute(router, s, "GET", "/api/users/{id}", [auth, users](Request& req) {
    auto p = RequireUser(req, *auth);
    auto u = users->FindById(req.PathParam("id"));
    if (!u) ThrowNotFound("user");
    bool visible = p.IsMspAdmin() || p.user_id == u->value("id", "");
    if (p.role == Role::kCompanyAdmin) {
      for (const auto& c : u->value("company_ids", json::array())) {
        if (c.is_string() && p.CanSeeCompany(c.get<std::string>())) visible = true;
      }
    }
    if (!visible) ThrowNotFound("user");
    return Response::Json(200, services::UserService::ViewFor(p, *u));
  });
  AddRoute(
      router, s, "POST", "/api/users", Audit{"user_created", "user"}, [auth, users, companies](Request& req) {
        auto p = RequireUser(req, *auth);
        services::RequireMspAdmin(p);
        json body = ParseJsonObject(req);
        RejectUnknownFields(body, {"email", "name", "password", "role", "company_ids"});
        services::NewUser nu;
        nu.email = RequiredString(body, "email", 254);
        services::UserService::ValidateEmail(nu.email);
        nu.name = RequiredString(body, "name", 200);
        nu.password = RequiredString(body, "password", 256);
        services::UserService::ValidatePassword(nu.password);
        services::ParseRole(RequiredEnum(body, "role", AW_ROLES), &nu.role);
        nu.company_ids = CompanyIds(body, companies);
        if (nu.role != Role::kMspAdmin && nu.company_ids.empty()) {
          ThrowInvalidField("company_ids",
                            "a " + std::string(services::RoleName(nu.role)) + " needs at least one company");
        }
        json created = services::UserService::PublicView(users->Create(nu));
        NoteAuditTarget(req, "", created.value("id", ""));
        return Response::Json(201, created);
      });
  AddRoute(router, s, "PUT", "/api/users/{id}", Audit{"user_updated", "user"},
           [auth, users, companies](Request& req) {
             auto p = RequireUser(req, *auth);
             services::RequireMspAdmin(p);
             json body = ParseJsonObject(req);
             // email is known: it gets its own sentence below.
             RejectUnknownFields(body, {"name", "role", "company_ids", "password", "email", "active"});
             services::UserPatch patch;
             if (auto name = OptionalString(body, "name", 200)) {
               if (name->empty()) ThrowInvalidField("name", "must not be empty");
               patch.name = *name;
             }
             if (auto role = OptionalEnum(body, "role", AW_ROLES)) {
               Role r;
               services::ParseRole(*role, &r);
               patch.role = r;
             }
             if (body.contains("company_ids") && !body["company_ids"].is_null())
               patch.company_ids = CompanyIds(body, companies);
             if (auto pw = OptionalString(body, "password", 256)) patch.password = *pw;
             if (body.contains("email"))
               ThrowInvalidField("email", "cannot be changed; create a new user instead");
             patch.active = OptionalBool(body, "active");
             if (patch.active && !*patch.active && req.PathParam("id") == p.user_id) {
               // Nobody could reactivate the last MSP admin who did this to themself.
               Throw(ErrorKind::kConflict, "cannot_deactivate_self",
                     "you cannot deactivate your own account");
             }
             return Response::Json(
                 200, services::UserService::PublicView(users->Update(req.PathParam("id"), patch)));
           });
  AddRoute(router, s, "DELETE", "/api/users/{id}", Audit{"user_deleted", "user"},
           [auth, users](Request& req) {
             auto p = RequireUser(req, *auth);
             services::RequireMspAdmin(p);
             if (req.PathParam("id") == p.user_id) {
               Throw(ErrorKind::kConflict, "cannot_delete_self", "you cannot delete your own account");
             }
             users->Delete(req.PathParam("id"));
             return Response::NoContent();
           });
}

}  // namespace aw::http
