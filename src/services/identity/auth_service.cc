#include "services/identity/auth_service.h"

#include <spdlog/spdlog.h>

#include "base/errors.h"
#include "base/ids.h"
#include "base/metrics.h"
#include "crypto/hash.h"
#include "crypto/jwt.h"
#include "crypto/password.h"
#include "store/tables.h"

namespace aw::services {

namespace t = store::tables;
using nlohmann::json;

namespace {

constexpr const char* kInvalidCredentials = "incorrect email or password";
constexpr const char* kAccountDisabled =
    "this account has been deactivated; ask your MSP administrator to reactivate it";

[[noreturn]] void ThrowUnauthenticated(const std::string& code, const std::string& detail) {
  Throw(ErrorKind::kUnauthenticated, code, detail);
}

std::string RefreshItemId(const std::string& token) { return "rt#" + crypto::Sha256Hex(token); }
std::string FamilyItemId(const std::string& family) { return "rtf#" + family; }
// Hashed so the table holds no list of the addresses that were tried.
std::string LockoutItemId(const std::string& email) {
  return "lock#" + crypto::Sha256Hex(UserService::NormalizeEmail(email));
}

// A hash to verify against for unknown emails, so both failures cost the same.
const std::string& DummyHash() {
  static const std::string h = crypto::HashPassword("not-a-real-password-just-for-timing");
  return h;
}

}  // namespace

std::string AuthService::IssueAccessToken(const json& user) {
  int64_t now = ctx_->clock->NowSeconds();
  json claims = {
      {"sub", user.at("id")},
      {"email", user.value("email", "")},
      {"role", user.value("role", "client")},
      {"tv", user.value("token_version", 0)},
      {"typ", "access"},
      {"iat", now},
      {"exp", now + int64_t{ctx_->settings.jwt_expiration_hours} * 3600},
      {"jti", NewId(ctx_->clock->NowMicros())},
  };
  return crypto::jwt::SignHs256(claims, ctx_->settings.jwt_secret);
}

TokenPair AuthService::IssueTokens(const json& user, const std::string& family) {
  TokenPair out;
  out.access_token = IssueAccessToken(user);
  out.expires_in = int64_t{ctx_->settings.jwt_expiration_hours} * 3600;
  out.user = UserService::PublicView(user);
  out.refresh_token = "rt_" + crypto::Base64UrlEncode(crypto::RandomBytes(32));
  int64_t expires = ctx_->clock->NowSeconds() + int64_t{ctx_->settings.refresh_token_days} * 86400;
  json item = {
      {"id", RefreshItemId(out.refresh_token)},
      {"kind", "refresh_token"},
      {"user_id", user.at("id")},
      {"family", family},
      {"tv", user.value("token_version", 0)},
      {"used", false},
      {"created_at", ctx_->Now()},
      {"ttl", expires},
  };
  ThrowIfError(ctx_->store->PutItem({t::kUsers, item, {}}), "refresh token");
  return out;
}

void AuthService::RecordFailedLogin(const std::string& lock_id) {
  const int64_t now = ctx_->clock->NowSeconds();
  const int64_t window = int64_t{ctx_->settings.lockout_minutes} * 60;
  // The item's TTL is the counting window: it starts at the first failure
  // and the item (with its count) vanishes when the window ends.
  store::UpdateRequest u;
  u.table = t::kUsers;
  u.key = {lock_id, std::nullopt};
  u.Add("failed_logins", 1).SetIfNotExists("kind", "login_lockout").SetIfNotExists("ttl", now + window);
  auto r = ctx_->store->UpdateItem(u);
  if (!r.ok()) return;
  if (r->value("failed_logins", 0) >= ctx_->settings.max_failed_logins) {
    store::UpdateRequest lock;
    lock.table = t::kUsers;
    lock.key = u.key;
    lock.Set("locked_until", now + window).Set("ttl", now + window).Set("failed_logins", 0);
    (void)ctx_->store->UpdateItem(lock);
    // The email is not logged (it may be a mistyped password in the wrong field).
    spdlog::warn("sign-in locked for {} minutes after {} failed attempts (lockout item {})",
                 ctx_->settings.lockout_minutes, ctx_->settings.max_failed_logins, lock_id.substr(0, 17));
  }
}

TokenPair AuthService::Login(const std::string& email, const std::string& password) {
  // The lockout is keyed by the normalised email, whether or not a user has
  // it, and every failure costs one password hash: an unknown address and a
  // wrong password look the same in status, Retry-After and timing.
  const int64_t now = ctx_->clock->NowSeconds();
  const std::string lock_id = LockoutItemId(email);
  auto lock = ctx_->store->GetItem({t::kUsers, {lock_id, std::nullopt}});
  if (!lock.ok() && !lock.status().IsNotFound()) ThrowIfError(lock.status(), "sign-in");
  const bool had_failures = lock.ok();
  const int64_t locked_until = lock.ok() ? lock->value("locked_until", int64_t{0}) : 0;
  if (locked_until > now) {
    static auto& locked = metrics::Registry::Default()
                              .Counters("aw_sign_in_locked_total", "Sign-ins refused by the lockout (429).")
                              .With({});
    locked.Inc();
    Throw(ErrorKind::kTooManyRequests, "too_many_attempts",
          "too many failed sign-in attempts; this account is locked for a while",
          static_cast<int>(locked_until - now));
  }
  auto user = users_->FindByEmail(email);
  const std::string stored_hash = user ? user->value("password_hash", "") : DummyHash();
  if (!crypto::VerifyPassword(password, stored_hash) || !user) {
    RecordFailedLogin(lock_id);
    ThrowUnauthenticated("invalid_credentials", kInvalidCredentials);
  }
  // Only after the password proved right: a guesser learns nothing from it.
  // Not a failed attempt either, so it does not count towards the lock-out.
  if (!UserService::IsActive(*user)) ThrowUnauthenticated("account_disabled", kAccountDisabled);
  if (crypto::PasswordNeedsRehash(stored_hash)) {
    // bcrypt (imported from MongoDB) or old Argon2 parameters: replace it now
    // that the password is known. Conditional, so a concurrent password
    // change wins; a failure only means it is tried at the next sign-in.
    store::UpdateRequest rh;
    rh.table = t::kUsers;
    rh.key = {user->at("id").get<std::string>(), std::nullopt};
    rh.condition.Equals("password_hash", stored_hash);
    rh.Set("password_hash", crypto::HashPassword(password)).Set("updated_at", ctx_->Now());
    auto r = ctx_->store->UpdateItem(rh);
    if (r.ok()) {
      spdlog::info("password hash of user {} upgraded to Argon2id at sign-in", user->at("id").get<std::string>());
    } else if (!r.status().IsConditionFailed()) {
      spdlog::warn("could not upgrade the password hash of user {}: {}", user->at("id").get<std::string>(),
                   r.status().message());
    }
  }
  if (had_failures) (void)ctx_->store->DeleteItem({t::kUsers, {lock_id, std::nullopt}, {}});
  std::string family = NewId(ctx_->clock->NowMicros());
  json fam = {{"id", FamilyItemId(family)}, {"kind", "refresh_family"}, {"user_id", user->at("id")},
              {"revoked", false},
              {"ttl", now + int64_t{ctx_->settings.refresh_token_days} * 86400 * 4}};
  ThrowIfError(ctx_->store->PutItem({t::kUsers, fam, {}}), "refresh token");
  return IssueTokens(*user, family);
}

TokenPair AuthService::Refresh(const std::string& refresh_token) {
  auto invalid = [] { ThrowUnauthenticated("invalid_refresh_token", "the refresh token is invalid or expired"); };
  if (refresh_token.rfind("rt_", 0) != 0 || refresh_token.size() > 128) invalid();
  const std::string id = RefreshItemId(refresh_token);
  auto tok = ctx_->store->GetItem({t::kUsers, {id, std::nullopt}});
  if (tok.status().IsNotFound()) invalid();
  ThrowIfError(tok.status(), "refresh token");
  const std::string family = tok->value("family", "");
  auto fam = ctx_->store->GetItem({t::kUsers, {FamilyItemId(family), std::nullopt}});
  if (!fam.ok() || fam->value("revoked", true)) invalid();

  // Rotate: exactly one caller may use a token.
  store::UpdateRequest use;
  use.table = t::kUsers;
  use.key = {id, std::nullopt};
  use.condition.Equals("used", false);
  use.Set("used", true);
  auto used = ctx_->store->UpdateItem(use);
  if (used.status().IsConditionFailed()) {
    store::UpdateRequest revoke;
    revoke.table = t::kUsers;
    revoke.key = {FamilyItemId(family), std::nullopt};
    revoke.condition = store::Condition::ItemExists("id");
    revoke.Set("revoked", true);
    (void)ctx_->store->UpdateItem(revoke);
    spdlog::warn("refresh token reuse detected for user {}; token family revoked", tok->value("user_id", ""));
    invalid();
  }
  ThrowIfError(used.status(), "refresh token");
  auto user = users_->FindById(tok->value("user_id", ""));
  if (!user || user->value("token_version", 0) != tok->value("tv", -1)) invalid();
  if (!UserService::IsActive(*user)) ThrowUnauthenticated("account_disabled", kAccountDisabled);
  return IssueTokens(*user, family);
}

void AuthService::Logout(const std::string& refresh_token) {
  if (refresh_token.rfind("rt_", 0) != 0 || refresh_token.size() > 128) return;
  auto tok = ctx_->store->GetItem({t::kUsers, {RefreshItemId(refresh_token), std::nullopt}});
  if (tok.status().IsNotFound()) return;
  ThrowIfError(tok.status(), "refresh token");
  store::UpdateRequest revoke;
  revoke.table = t::kUsers;
  revoke.key = {FamilyItemId(tok->value("family", "")), std::nullopt};
  revoke.condition = store::Condition::ItemExists("id");
  revoke.Set("revoked", true);
  auto r = ctx_->store->UpdateItem(revoke);
  if (!r.ok() && !r.status().IsConditionFailed()) ThrowIfError(r.status(), "refresh token");
}

void AuthService::LogoutAll(const std::string& user_id) {
  store::UpdateRequest u;
  u.table = t::kUsers;
  u.key = {user_id, std::nullopt};
  u.condition = store::Condition::ItemExists("id");
  u.Add("token_version", 1).Set("updated_at", ctx_->Now());
  auto r = ctx_->store->UpdateItem(u);
  if (r.status().IsConditionFailed()) ThrowNotFound("user");
  ThrowIfError(r.status(), "user");
}

Principal AuthService::Authenticate(std::string_view access_token) {
  if (access_token.empty()) ThrowUnauthenticated("not_authenticated", "missing bearer token");
  auto claims = crypto::jwt::VerifyHs256(access_token, ctx_->settings.jwt_secret, ctx_->clock->NowSeconds());
  if (!claims.ok()) ThrowUnauthenticated("invalid_token", "invalid token: " + claims.status().message());
  if (claims->value("typ", "") != "access" || !claims->contains("sub") || !(*claims)["sub"].is_string()) {
    ThrowUnauthenticated("invalid_token", "invalid token: not an access token");
  }
  auto user = users_->FindById((*claims)["sub"].get<std::string>());
  if (!user) ThrowUnauthenticated("invalid_token", "invalid token: the user no longer exists");
  if (!claims->contains("tv") || !(*claims)["tv"].is_number_integer() ||
      (*claims)["tv"].get<int64_t>() != user->value("token_version", int64_t{0})) {
    ThrowUnauthenticated("invalid_token", "invalid token: it was revoked; sign in again");
  }
  // Deactivation bumps token_version, so this only catches a token issued in
  // the instant between the bump and the flag; it costs nothing to be sure.
  if (!UserService::IsActive(*user)) ThrowUnauthenticated("account_disabled", kAccountDisabled);
  Principal p;
  p.user_id = user->value("id", "");
  p.email = user->value("email", "");
  p.name = user->value("name", "");
  if (!ParseRole(user->value("role", "client"), &p.role)) p.role = Role::kClient;
  for (const auto& c : user->value("company_ids", json::array())) {
    if (c.is_string()) p.company_ids.push_back(c.get<std::string>());
  }
  return p;
}

TokenPair AuthService::ChangePassword(const Principal& p, const std::string& current, const std::string& next) {
  auto user = users_->FindById(p.user_id);
  if (!user) ThrowNotFound("user");
  if (!crypto::VerifyPassword(current, user->value("password_hash", ""))) {
    Throw(ErrorKind::kBadRequest, "invalid_current_password", "the current password is incorrect");
  }
  UserPatch patch;
  patch.password = next;
  json updated = users_->Update(p.user_id, patch);
  std::string family = NewId(ctx_->clock->NowMicros());
  json fam = {{"id", FamilyItemId(family)}, {"kind", "refresh_family"}, {"user_id", p.user_id},
              {"revoked", false},
              {"ttl", ctx_->clock->NowSeconds() + int64_t{ctx_->settings.refresh_token_days} * 86400 * 4}};
  ThrowIfError(ctx_->store->PutItem({t::kUsers, fam, {}}), "refresh token");
  return IssueTokens(updated, family);
}

}  // namespace aw::services
