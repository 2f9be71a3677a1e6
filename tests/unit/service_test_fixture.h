#pragma once

// What the service unit tests share: a memory store holding every table, a
// fake clock (no sleeping: tests Advance it), a secret box with a fixed key,
// and a Context pointing at them; a notifier that records; a user maker. A
// test derives from ServiceTest, calls ServiceTest::SetUp() first in its
// own SetUp and wires its services on ctx_ (declared after these members,
// so they are destroyed before the store they use).

#include <memory>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

#include <gtest/gtest.h>

#include "base/clock.h"
#include "crypto/secret_box.h"
#include "services/context.h"
#include "services/identity/user_service.h"
#include "store/memory/memory_store.h"
#include "store/tables.h"

namespace aw::services::testing {

class ServiceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    store_ = std::make_unique<store::MemoryStore>(&clock_);
    for (const auto& spec : store::tables::All()) ASSERT_TRUE(store_->CreateTable(spec).ok());
    ctx_.store = store_.get();
    ctx_.clock = &clock_;
    secrets_ = std::make_unique<crypto::SecretBox>(crypto::SecretBox::FromKey(std::string(32, 'k')).value());
    ctx_.secrets = secrets_.get();
  }

  FakeClock clock_;
  std::unique_ptr<store::MemoryStore> store_;
  std::unique_ptr<crypto::SecretBox> secrets_;
  Context ctx_;
};

// Keeps every notification request; thread-safe. Notify answers the number
// of user ids named.
class RecordingNotifier final : public Notifier {
 public:
  int Notify(const NotificationRequest& r) override {
    std::lock_guard<std::mutex> l(mu_);
    sent_.push_back(r);
    return static_cast<int>(r.user_ids.size());
  }
  std::vector<NotificationRequest> Sent() {
    std::lock_guard<std::mutex> l(mu_);
    return sent_;
  }
  int Count(const std::string& type) {
    int n = 0;
    for (const auto& r : Sent()) n += r.type == type;
    return n;
  }

 private:
  std::mutex mu_;
  std::vector<NotificationRequest> sent_;
};

// A user named by `email` (also its name) with a placeholder password hash
// (no Argon2 in unit tests); returns its id.
inline std::string AddUser(UserService& users, const std::string& email, Role role,
                           std::vector<std::string> companies) {
  NewUser u;
  u.email = email;
  u.name = email;
  u.password_hash = "x";
  u.role = role;
  u.company_ids = std::move(companies);
  return users.Create(u).value("id", "");
}

}  // namespace aw::services::testing
