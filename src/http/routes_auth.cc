#include "base/errors.h"
#include "http/api.h"
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
  router.Add("POST", "/api/auth/login", [auth](Request& req) {
    json body = ParseJsonObject(req);
    std::string email = RequiredString(body, "email", 254);
    std::string password = RequiredString(body, "password", 256);
    return Tokens(auth->Login(email, password));
  });
  router.Add("POST", "/api/auth/refresh", [auth](Request& req) {
    json body = ParseJsonObject(req);
    return Tokens(auth->Refresh(RequiredString(body, "refresh_token", 256)));
  });
  router.Add("POST", "/api/auth/logout-all", [auth](Request& req) {
    auto p = RequireUser(req, *auth);
    auth->LogoutAll(p.user_id);
    return Response::Json(200, {{"message", "all sessions signed out"}});
  });
  router.Add("GET", "/api/auth/me", [auth, users](Request& req) {
    auto p = RequireUser(req, *auth);
    auto u = users->FindById(p.user_id);
    if (!u) ThrowNotFound("user");
    return Response::Json(200, services::UserService::PublicView(*u));
  });
  router.Add("GET", "/api/profile", [auth, users](Request& req) {
    auto p = RequireUser(req, *auth);
    auto u = users->FindById(p.user_id);
    if (!u) ThrowNotFound("user");
    return Response::Json(200, services::UserService::PublicView(*u));
  });
  router.Add("PUT", "/api/profile", [auth, users](Request& req) {
    auto p = RequireUser(req, *auth);
    json body = ParseJsonObject(req);
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
  router.Add("PUT", "/api/profile/password", [auth](Request& req) {
    auto p = RequireUser(req, *auth);
    json body = ParseJsonObject(req);
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
