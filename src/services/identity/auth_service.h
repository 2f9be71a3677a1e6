#pragma once

// Authentication: password login with per-account lock-out, JWT access
// tokens (HS256), rotating refresh tokens grouped in families (reuse of a
// rotated token revokes its family), and sign-out everywhere by bumping the
// user's token_version (checked on every request). Thread-safe.

#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "services/context.h"
#include "services/identity/principal.h"
#include "services/identity/user_service.h"

namespace aw::services {

struct TokenPair {
  std::string access_token;
  std::string refresh_token;
  int64_t expires_in = 0;  // seconds
  nlohmann::json user;     // public view
};

class AuthService {
 public:
  AuthService(Context* ctx, UserService* users) : ctx_(ctx), users_(users) {}

  // 401 invalid_credentials (same answer for an unknown email and a wrong
  // password), 429 too_many_attempts while the email is locked (after
  // max_failed_logins failures, known or unknown email alike).
  TokenPair Login(const std::string& email, const std::string& password);
  // 401 invalid_refresh_token. Rotates: the presented token stops working.
  TokenPair Refresh(const std::string& refresh_token);
  // Ends the session of `refresh_token`: its family is revoked. Unknown or
  // already revoked tokens are ignored (signing out twice is not an error).
  void Logout(const std::string& refresh_token);
  // Revokes every access and refresh token of the user.
  void LogoutAll(const std::string& user_id);
  // Verifies a bearer access token and loads the caller. 401 otherwise.
  Principal Authenticate(std::string_view access_token);
  // 400 invalid_current_password; signs out other sessions and returns new tokens.
  TokenPair ChangePassword(const Principal& p, const std::string& current, const std::string& next);

  // Exposed for tests.
  std::string IssueAccessToken(const nlohmann::json& user);

 private:
  TokenPair IssueTokens(const nlohmann::json& user, const std::string& family);
  void RecordFailedLogin(const std::string& lock_id);

  Context* ctx_;
  UserService* users_;
};

}  // namespace aw::services
