#include "services/identity/user_service.h"

#include <algorithm>
#include <cctype>

#include "base/errors.h"
#include "base/ids.h"
#include "crypto/password.h"
#include "store/tables.h"

namespace aw::services {

namespace t = store::tables;
using nlohmann::json;

namespace {

constexpr const char* kUsersDirectory = "users";
// A claim whose user item is still missing after this long was left by a
// crash between the two writes (or a deleted user) and may be taken over.
constexpr int64_t kClaimRepairAfterUs = 30'000'000;

std::string ClaimId(const std::string& email) { return "email#" + email; }

}  // namespace

std::string UserService::NormalizeEmail(const std::string& email) {
  std::string e = email;
  std::transform(e.begin(), e.end(), e.begin(), [](unsigned char c) { return std::tolower(c); });
  return e;
}

void UserService::ValidateEmail(const std::string& email, const char* field) {
  auto at = email.find('@');
  if (email.size() > 254 || at == std::string::npos || at == 0 || at + 1 >= email.size() ||
      email.find('@', at + 1) != std::string::npos || email.find(' ') != std::string::npos ||
      email.find('#') != std::string::npos) {
    ThrowInvalidField(field, "must be a valid email address");
  }
}

void UserService::ValidatePassword(const std::string& password, const char* field) {
  if (password.size() < 8) ThrowInvalidField(field, "must be at least 8 characters long");
  if (password.size() > 256) ThrowInvalidField(field, "must be at most 256 characters long");
}

json UserService::ViewFor(const Principal& caller, const json& item) {
  json out = PublicView(item);
  if (caller.IsMspAdmin()) return out;
  json mine = json::array();
  for (const auto& c : out["company_ids"]) {
    if (c.is_string() && caller.CanSeeCompany(c.get<std::string>())) mine.push_back(c);
  }
  out["company_ids"] = std::move(mine);
  return out;
}

json UserService::PublicView(const json& item) {
  json out = json::object();
  for (const char* k : {"id", "email", "name", "role", "company_ids", "created_at", "updated_at"}) {
    if (item.contains(k)) out[k] = item[k];
  }
  if (!out.contains("company_ids")) out["company_ids"] = json::array();
  out["active"] = IsActive(item);
  return out;
}

bool UserService::IsActive(const json& item) {
  auto it = item.find("active");
  return it == item.end() || !it->is_boolean() || it->get<bool>();
}

json UserService::Create(const NewUser& u) {
  const std::string email = NormalizeEmail(u.email);
  ValidateEmail(email);
  const std::string now = ctx_->Now();
  const std::string id = u.id.empty() ? NewId(ctx_->clock->NowMicros()) : u.id;

  // 1. Claim the email. A claim whose user is gone (a crash between steps,
  //    or a deleted user) is taken over with a conditional overwrite.
  json claim = {{"id", ClaimId(email)}, {"user_id", id}, {"kind", "email_claim"},
               {"created_us", ctx_->clock->NowMicros()}};
  Status s = ctx_->store->PutItem({t::kUsers, claim, store::Condition::ItemNotExists("id")});
  if (s.IsConditionFailed()) {
    auto existing = ctx_->store->GetItem({t::kUsers, {ClaimId(email), std::nullopt}});
    if (existing.ok()) {
      std::string owner = existing->value("user_id", "");
      if (owner == id) {
        // Re-run of our own creation (seed): fall through and write the user.
      } else if (FindById(owner) ||
                 ctx_->clock->NowMicros() - existing->value("created_us", int64_t{0}) < kClaimRepairAfterUs) {
        // Taken, or being taken right now by a concurrent sign-up.
        Throw(ErrorKind::kConflict, "email_taken", "a user with this email already exists");
      } else {
        store::Condition c;
        c.Equals("user_id", owner);
        Status s2 = ctx_->store->PutItem({t::kUsers, claim, c});
        if (s2.IsConditionFailed()) {
          Throw(ErrorKind::kConflict, "email_taken", "a user with this email already exists");
        }
        ThrowIfError(s2, "user");
      }
    } else if (!existing.status().IsNotFound()) {
      ThrowIfError(existing.status(), "user");
    } else {
      Throw(ErrorKind::kConflict, "email_taken", "a user with this email already exists");
    }
  } else {
    ThrowIfError(s, "user");
  }

  // 2. The user item itself.
  json item = {
      {"id", id},
      {"email", email},
      {"directory", kUsersDirectory},
      {"name", u.name},
      {"role", RoleName(u.role)},
      {"company_ids", u.company_ids},
      {"password_hash", u.password.empty() ? u.password_hash : crypto::HashPassword(u.password)},
      {"token_version", 0},
      {"failed_logins", 0},
      {"created_at", now},
      {"updated_at", now},
  };
  Status ps = ctx_->store->PutItem({t::kUsers, item, store::Condition::ItemNotExists("id")});
  if (ps.IsConditionFailed()) {
    auto existing = FindById(id);
    if (existing) return *existing;  // idempotent re-run with a fixed id
  }
  ThrowIfError(ps, "user");
  changes_.fetch_add(1);
  return item;
}

std::optional<json> UserService::FindByEmail(const std::string& email) {
  store::QueryRequest q;
  q.table = t::kUsers;
  q.index = t::kEmailIndex;
  q.pk = NormalizeEmail(email);
  q.limit = 2;
  auto r = ctx_->store->Query(q);
  ThrowIfError(r.status(), "user");
  for (const auto& it : r->items) {
    // The index is eventually consistent on DynamoDB: confirm on the table.
    auto fresh = FindById(it.value("id", ""));
    if (fresh && fresh->value("email", "") == q.pk) return fresh;
  }
  return std::nullopt;
}

std::optional<json> UserService::FindById(const std::string& id) {
  if (id.empty() || id.find('#') != std::string::npos) return std::nullopt;
  auto r = ctx_->store->GetItem({t::kUsers, {id, std::nullopt}});
  if (r.status().IsNotFound()) return std::nullopt;
  ThrowIfError(r.status(), "user");
  return std::move(r).value();
}

Page UserService::List(const Principal& caller, int limit, const std::string& cursor) {
  if (caller.role != Role::kMspAdmin && caller.role != Role::kCompanyAdmin) {
    ThrowForbidden("listing users needs a company admin or MSP admin");
  }
  Page page;
  std::string token = cursor;
  // Company admins see members of their companies: filter the directory,
  // reading more pages until the page is full.
  do {
    store::QueryRequest q;
    q.table = t::kUsers;
    q.index = t::kDirectoryIndex;
    q.pk = kUsersDirectory;
    q.limit = limit - static_cast<int>(page.items.size());
    q.page_token = token;
    auto r = ctx_->store->Query(q);
    if (r.status().code() == Code::kInvalidArgument) Throw(ErrorKind::kUnprocessable, "validation_error", "cursor: invalid");
    ThrowIfError(r.status(), "user");
    for (const auto& it : r->items) {
      bool visible = caller.IsMspAdmin();
      for (const auto& c : it.value("company_ids", json::array())) {
        if (c.is_string() && caller.CanSeeCompany(c.get<std::string>())) visible = true;
      }
      if (visible) page.items.push_back(ViewFor(caller, it));
    }
    token = r->next_page_token;
  } while (!token.empty() && static_cast<int>(page.items.size()) < limit);
  page.next_cursor = token;
  return page;
}

json UserService::Update(const std::string& id, const UserPatch& patch) {
  if (!FindById(id)) ThrowNotFound("user");
  store::UpdateRequest u;
  u.table = t::kUsers;
  u.key = {id, std::nullopt};
  u.condition = store::Condition::ItemExists("id");
  if (patch.name) u.Set("name", *patch.name);
  if (patch.role) u.Set("role", RoleName(*patch.role));
  if (patch.company_ids) u.Set("company_ids", *patch.company_ids);
  bool sign_out = false;
  if (patch.password) {
    ValidatePassword(*patch.password);
    u.Set("password_hash", crypto::HashPassword(*patch.password));
    sign_out = true;  // a new password signs every session out
  }
  if (patch.active) {
    u.Set("active", *patch.active);
    if (!*patch.active) sign_out = true;  // deactivation ends every session at once
  }
  if (sign_out) u.Add("token_version", 1);
  u.Set("updated_at", ctx_->Now());
  auto r = ctx_->store->UpdateItem(u);
  if (r.status().IsConditionFailed()) ThrowNotFound("user");
  ThrowIfError(r.status(), "user");
  changes_.fetch_add(1);
  return std::move(r).value();
}

void UserService::Delete(const std::string& id) {
  auto user = FindById(id);
  if (!user) ThrowNotFound("user");
  ThrowIfError(ctx_->store->DeleteItem({t::kUsers, {id, std::nullopt}, {}}), "user");
  changes_.fetch_add(1);
  store::Condition c;
  c.Equals("user_id", id);
  Status s = ctx_->store->DeleteItem({t::kUsers, {ClaimId(user->value("email", "")), std::nullopt}, c});
  if (!s.ok() && !s.IsConditionFailed()) ThrowIfError(s, "user");
}

}  // namespace aw::services
