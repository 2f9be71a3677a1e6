// The per-process API-key cache of CompanyService (issue 14 part 6): exact
// with an exclusive store, at most kSharedKeyCacheMicros stale otherwise.

#include <chrono>
#include <memory>
#include <string>

#include <gtest/gtest.h>

#include "base/clock.h"
#include "services/context.h"
#include "services/identity/company_service.h"
#include "store/tables.h"
#include "service_test_fixture.h"

namespace aw::services {
namespace {

class CompanyKeyCacheTest : public testing::ServiceTest {
 protected:
  void SetUp() override {
    ServiceTest::SetUp();
    if (HasFatalFailure()) return;
  }

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
