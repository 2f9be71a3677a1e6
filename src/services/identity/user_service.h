#pragma once

// Users: creation with a unique email (an email claim item written with a
// conditional put, so two concurrent sign-ups of one address cannot both
// succeed), lookup, listing through the directory index, updates, deletion.
// Thread-safe; every method may throw ApiError.

#include <atomic>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "services/context.h"
#include "services/page.h"
#include "services/identity/principal.h"

namespace aw::services {

struct NewUser {
  std::string email;
  std::string name;
  std::string password;       // plain text; hashed with Argon2id here
  std::string password_hash;  // or an existing hash (imports); used when password is empty
  Role role = Role::kTechnician;
  std::vector<std::string> company_ids;
  std::string id;  // optional fixed id (seed, imports)
};

struct UserPatch {
  std::optional<std::string> name;
  std::optional<Role> role;
  std::optional<std::vector<std::string>> company_ids;
  std::optional<std::string> password;
  // false deactivates: the user can no longer sign in and every token they
  // hold stops working (token_version is bumped); true reactivates.
  std::optional<bool> active;
};

class UserService {
 public:
  explicit UserService(Context* ctx) : ctx_(ctx) {}

  // Returns the stored item. 409 email_taken when the email is in use.
  nlohmann::json Create(const NewUser& u);
  // The stored user item (with password_hash), or nullopt.
  std::optional<nlohmann::json> FindByEmail(const std::string& email);
  std::optional<nlohmann::json> FindById(const std::string& id);
  // Users the caller may see: all for MSP admins, members of the caller's
  // companies for company admins; others get 403.
  Page List(const Principal& caller, int limit, const std::string& cursor);
  nlohmann::json Update(const std::string& id, const UserPatch& patch);
  void Delete(const std::string& id);
  // How many users this process created, changed or deleted: a cache of the
  // directory read before the count moved is stale.
  uint64_t changes() const { return changes_.load(); }

  // The user as shown by the API: never a password hash or token data.
  // `active` is always present (users stored before deactivation existed are active).
  static nlohmann::json PublicView(const nlohmann::json& item);
  // PublicView as `caller` may see it: for anyone but an MSP admin,
  // company_ids keeps only the caller's companies (a user of several
  // companies must not reveal the others to one company's admin).
  static nlohmann::json ViewFor(const Principal& caller, const nlohmann::json& item);
  // False only for a user explicitly deactivated; an absent flag means active.
  static bool IsActive(const nlohmann::json& item);
  static std::string NormalizeEmail(const std::string& email);
  // Throws 422 naming `field` when the email is not plausible.
  static void ValidateEmail(const std::string& email, const char* field = "email");
  static void ValidatePassword(const std::string& password, const char* field = "password");

 private:
  Context* ctx_;
  std::atomic<uint64_t> changes_{0};
};

}  // namespace aw::services
