#include "base/errors.h"
#include "base/json_fields.h"
#include "http/api.h"
#include "http/api_util.h"
#include "http/audit_hook.h"
#include "http/json_body.h"

namespace aw::http {

using nlohmann::json;

namespace {

// Browsers (the web UI) ask for a cookie session with `X-AW-Session:
// cookie`: the refresh token then travels only in an HttpOnly, SameSite=Strict
// cookie scoped to /api/auth, out of reach of scripts. The custom header also
// keeps other sites out: a cross-site form cannot send it, and no CORS
// preflight is ever granted.
constexpr std::string_view kRefreshCookie = "aw_refresh";

bool CookieSession(const Request& req) { return EqualsIgnoreCase(req.Header("X-AW-Session"), "cookie"); }

std::string CookieValue(const Request& req, std::string_view name) {
  std::string_view all = req.Header("Cookie");
  while (!all.empty()) {
    size_t end = all.find(';');
    std::string_view pair = all.substr(0, end);
    all = end == std::string_view::npos ? std::string_view() : all.substr(end + 1);
    while (!pair.empty() && pair.front() == ' ') pair.remove_prefix(1);
    if (pair.size() > name.size() && pair.substr(0, name.size()) == name && pair[name.size()] == '=') {
      return std::string(pair.substr(name.size() + 1));
    }
  }
  return {};
}

std::string SetRefreshCookie(const Request& req, const std::string& token, int64_t max_age) {
  std::string c = std::string(kRefreshCookie) + "=" + token +
                  "; Path=/api/auth; HttpOnly; SameSite=Strict; Max-Age=" + std::to_string(max_age);
  if (EqualsIgnoreCase(req.Header("X-Forwarded-Proto"), "https")) c += "; Secure";
  return c;
}

Response Tokens(const Request& req, const services::TokenPair& t, int64_t refresh_max_age) {
  json body = {{"access_token", t.access_token},
               {"token_type", "bearer"},
               {"expires_in", t.expires_in},
               {"user", t.user}};
  if (!CookieSession(req)) {
    body["refresh_token"] = t.refresh_token;
    return Response::Json(200, body);
  }
  Response r = Response::Json(200, body);
  r.headers.emplace_back("Set-Cookie", SetRefreshCookie(req, t.refresh_token, refresh_max_age));
  r.headers.emplace_back("Cache-Control", "no-store");
  return r;
}

// The refresh token of a request: the JSON body's, else (cookie sessions) the cookie's.
std::string PresentedRefreshToken(Request& req) {
  if (CookieSession(req) && (req.body.empty() || req.body == "{}")) {
    std::string token = CookieValue(req, kRefreshCookie);
    if (token.empty())
      Throw(ErrorKind::kUnauthenticated, "invalid_refresh_token", "no session: sign in again");
    return token;
  }
  json body = ParseJsonObject(req);
  return RequiredString(body, "refresh_token", 256);
}

}  // namespace

void RegisterAuthRoutes(Router& router, const Services& s) {
  auto* auth = s.auth;
  auto* users = s.users;
  auto* audit = s.audit;
  const int64_t refresh_max_age = int64_t{s.refresh_token_days} * 86400;
  AddRoute(router, s, "POST", "/api/auth/login", [auth, audit, refresh_max_age](Request& req) {
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
      return Tokens(req, tokens, refresh_max_age);
    } catch (const ApiError& err) {
      e.action = err.code() == "too_many_attempts" ? "login_locked" : "login_failed";
      e.outcome = "denied";
      e.status = err.kind() == ErrorKind::kTooManyRequests ? 429 : 401;
      e.details = {{"code", err.code()}};
      if (audit) audit->Record(e);
      throw;
    }
  });
  AddRoute(router, s, "POST", "/api/auth/refresh", Audit{"auth.refresh", "auth"},
           [auth, refresh_max_age](Request& req) {
             auto tokens = auth->Refresh(PresentedRefreshToken(req));
             // No access token names the caller here: the refresh token did.
             req.audit.has_principal = true;
             req.audit.user_id = tokens.user.value("id", "");
             req.audit.user_email = tokens.user.value("email", "");
             req.audit.user_role = tokens.user.value("role", "");
             req.audit.resource_id = req.audit.user_id;
             return Tokens(req, tokens, refresh_max_age);
           });
  // Ends one session: its refresh-token family is revoked (the access token
  // held in memory is dropped by the client and expires by itself).
  AddRoute(router, s, "POST", "/api/auth/logout", Audit{"auth.logout", "auth"}, [auth](Request& req) {
    std::string token;
    try {
      token = PresentedRefreshToken(req);
    } catch (const ApiError& e) {
      if (e.kind() != ErrorKind::kUnauthenticated) throw;  // malformed body: say so
    }
    if (!token.empty()) auth->Logout(token);
    Response r = Response::NoContent();
    if (CookieSession(req)) {
      r.headers.emplace_back("Set-Cookie", SetRefreshCookie(req, "", 0));
    }
    return r;
  });
  AddRoute(router, s, "POST", "/api/auth/logout-all", Audit{"auth.logout_all", "auth"}, [auth](Request& req) {
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
  AddRoute(router, s, "PUT", "/api/profile", Audit{"profile_updated", "profile"},
           [auth, users](Request& req) {
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
               ThrowInvalidField(body.contains("email")  ? "email"
                                 : body.contains("role") ? "role"
                                                         : "company_ids",
                                 "cannot be changed through the profile");
             }
             NoteAuditTarget(req, "", p.user_id);
             return Response::Json(200, services::UserService::PublicView(users->Update(p.user_id, patch)));
           });
  AddRoute(router, s, "PUT", "/api/profile/password", Audit{"password_updated", "password"},
           [auth](Request& req) {
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
