#include "base/errors.h"
#include "base/json_fields.h"
#include "http/api.h"
#include "http/audit_hook.h"
#include "http/api_util.h"
#include "http/json_body.h"

namespace aw::http {

using nlohmann::json;

namespace {

Response Tokens(const services::TokenPair& t) {
  return Response::Json(200, {{"access_token", t.access_token},
                              {"refresh_token", t.refresh_token},
                              {"token_type", "bearer"},
                              {"expires_in", t.expires_in},
                              {"user", t.user}});
}

}  // namespace

void RegisterAuthRoutes(Router& router, const Services& s) {
  auto* auth = s.auth;
  auto* users = s.users;
  auto* audit = s.audit;
  AddRoute(router, s, "POST", "/api/auth/login", [auth, audit](Request& req) {
    json body = ParseJsonObject(req);
    std::string email = RequiredString(body, "email", 254);
    std::string password = RequiredString(body, "password", 256);
    services::AuditEntry e;
    e.user_email = services::UserService::NormalizeEmail(email);
    e.resource_type = "session";
    e.ip = req.remote_ip;
    e.user_agent = std::string(req.Header("User-Agent"));
    e.request_id = req.request_id;
    try {
      auto tokens = auth->Login(email, password);
      e.action = "login_success";
      e.user_id = tokens.user.value("id", "");
      e.user_role = tokens.user.value("role", "");
      e.resource_id = e.user_id;
      e.status = 200;
      if (audit) audit->Record(e);
      return Tokens(tokens);
    } catch (const ApiError& err) {
      e.action = err.code() == "too_many_attempts" ? "login_locked" : "login_failed";
      e.outcome = "denied";
      e.status = err.kind() == ErrorKind::kTooManyRequests ? 429 : 401;
      e.details = {{"code", err.code()}};
      if (audit) audit->Record(e);
      throw;
    }
  });
  AddRoute(router, s, "POST", "/api/auth/refresh", [auth](Request& req) {
    json body = ParseJsonObject(req);
    return Tokens(auth->Refresh(RequiredString(body, "refresh_token", 256)));
  });
  AddRoute(router, s, "POST", "/api/auth/logout-all", [auth](Request& req) {
    auto p = RequireUser(req, *auth);
    auth->LogoutAll(p.user_id);
    return Response::Json(200, {{"message", "all sessions signed out"}});
  });
  AddRoute(router, s, "GET", "/api/auth/me", [auth, users](Request& req) {
    auto p = RequireUser(req, *auth);
    auto u = users->FindById(p.user_id);
    if (!u) ThrowNotFound("user");
    return Response::Json(200, services::UserService::PublicView(*u));
  });
  AddRoute(router, s, "GET", "/api/profile", [auth, users](Request& req) {
    auto p = RequireUser(req, *auth);
    auto u = users->FindById(p.user_id);
    if (!u) ThrowNotFound("user");
    return Response::Json(200, services::UserService::PublicView(*u));
  });
  AddRoute(router, s, "PUT", "/api/profile", [auth, users](Request& req) {
    auto p = RequireUser(req, *auth);
    json body = ParseJsonObject(req);
    // email, role and company_ids are known: they get their own sentence below.
    RejectUnknownFields(body, {"name", "email", "role", "company_ids"});
    services::UserPatch patch;
    if (auto name = OptionalString(body, "name", 200)) {
      if (name->empty()) ThrowInvalidField("name", "must not be empty");
      patch.name = *name;
    }
    if (body.contains("email") || body.contains("role") || body.contains("company_ids")) {
      ThrowInvalidField(body.contains("email") ? "email" : body.contains("role") ? "role" : "company_ids",
                        "cannot be changed through the profile");
    }
    return Response::Json(200, services::UserService::PublicView(users->Update(p.user_id, patch)));
  });
  AddRoute(router, s, "PUT", "/api/profile/password", [auth](Request& req) {
    auto p = RequireUser(req, *auth);
    json body = ParseJsonObject(req);
    RejectUnknownFields(body, {"current_password", "new_password"});
    std::string current = RequiredString(body, "current_password", 256);
    std::string next = RequiredString(body, "new_password", 256);
    services::UserService::ValidatePassword(next, "new_password");
    auto t = auth->ChangePassword(p, current, next);
    return Response::Json(200, {{"message", "password changed; other sessions were signed out"},
                                {"access_token", t.access_token},
                                {"refresh_token", t.refresh_token},
                                {"token_type", "bearer"},
                                {"expires_in", t.expires_in}});
  });
}

}  // namespace aw::http
