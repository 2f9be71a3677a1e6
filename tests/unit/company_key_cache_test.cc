// The per-process API-key cache of CompanyService (issue 14 part 6): exact
// with an exclusive store, at most kSharedKeyCacheMicros stale otherwise.

#include <chrono>
#include <memory>
#include <string>

#include <gtest/gtest.h>

#include "base/clock.h"
#include "crypto/secret_box.h"
#include "services/context.h"
#include "services/identity/company_service.h"
#include "store/memory/memory_store.h"
#include "store/tables.h"

namespace aw::services {
namespace {

class CompanyKeyCacheTest : public ::testing::Test {
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

TEST_F(CompanyKeyCacheTest, AKeyRotatedByAnotherReplicaStopsWorkingWithinTheBound) {
  CompanyService here(&ctx_, /*exclusive_store=*/false);
  CompanyService other(&ctx_, /*exclusive_store=*/false);  // another replica, same table
  const std::string old_key = here.RevealApiKey(here.Create("Acme", "c1"));
  ASSERT_EQ(here.CompanyIdForApiKey(old_key), "c1");
  const std::string new_key = other.RegenerateApiKey("c1")["api_key"].get<std::string>();
  // The new key works at once everywhere (unknown keys are never cached).
  EXPECT_EQ(here.CompanyIdForApiKey(new_key), "c1");
  // The old one still works here until the bound, never after it.
  clock_.Advance(std::chrono::microseconds(CompanyService::kSharedKeyCacheMicros - 1));
  EXPECT_EQ(here.CompanyIdForApiKey(old_key), "c1");
  clock_.Advance(std::chrono::microseconds(1));
  EXPECT_EQ(here.CompanyIdForApiKey(old_key), "");
  // The replica that rotated it refuses it at once.
  EXPECT_EQ(other.CompanyIdForApiKey(old_key), "");
}

TEST_F(CompanyKeyCacheTest, ARotationHereIsSeenAtOnceAndAnExclusiveCacheDoesNotExpire) {
  CompanyService svc(&ctx_, /*exclusive_store=*/true);
  const std::string key = svc.RevealApiKey(svc.Create("Acme", "c1"));
  ASSERT_EQ(svc.CompanyIdForApiKey(key), "c1");
  clock_.Advance(std::chrono::hours(24));
  EXPECT_EQ(svc.CompanyIdForApiKey(key), "c1");
  svc.RegenerateApiKey("c1");
  EXPECT_EQ(svc.CompanyIdForApiKey(key), "");
}

}  // namespace
}  // namespace aw::services
