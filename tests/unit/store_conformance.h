#pragma once

// The store conformance suite's fixture: every TEST_P(StoreConformance, ...)
// runs unchanged on each backend of ConformanceBackends(). A behaviour a
// backend cannot offer is skipped by name (GTEST_SKIP with the reason), never
// silently.

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstdlib>
#include <iostream>
#include <memory>
#include <string>

#include "base/clock.h"
#include "store/store.h"
#include "store_test_util.h"

namespace aw::store::testing {

class StoreConformance : public ::testing::TestWithParam<StoreBackend> {
 protected:
  void SetUp() override {
    if (!GetParam().unavailable.empty()) {
      const char* ci = std::getenv("CI");
      if (ci != nullptr && std::string(ci) == "true") FAIL() << GetParam().unavailable;
      GTEST_SKIP() << GetParam().unavailable;
    }
    store_ = GetParam().make(&clock_);
    ASSERT_NE(store_, nullptr);
    ASSERT_TRUE(store_->CreateTable(ThingsSpec()).ok());
    ASSERT_TRUE(store_->CreateTable(SinglesSpec()).ok());
  }
  void TearDown() override {
    if (store_) {
      EXPECT_TRUE(store_->Flush().ok());
    }
    store_.reset();
  }

  Store& store() { return *store_; }
  void Put(const Item& item, const std::string& table = kThings) {
    Status s = store_->PutItem({table, item, {}});
    ASSERT_TRUE(s.ok()) << s.ToString();
  }
  // The item at `key`, or null when it is not found.
  Item Get(const Key& key, const std::string& table = kThings) {
    auto r = store_->GetItem({table, key});
    if (r.ok()) return *r;
    EXPECT_TRUE(r.status().IsNotFound()) << r.status().ToString();
    return nullptr;
  }
  int64_t Now() const { return clock_.NowSeconds(); }
  // Reports a named backend difference whose behaviour the test checked in
  // the backend's own way (so the test passes rather than skips).
  void NoteDifference(const std::string& why) {
    RecordProperty("backend_difference", why);
    std::cout << "[ DIFFERS  ] " << GetParam().name << ": " << why << std::endl;
  }
  // The reason this backend lacks `behaviour` (kGsiTieOrder, ...), or nullptr.
  const std::string* Lacks(const char* behaviour) const {
    auto it = GetParam().lacks.find(behaviour);
    return it == GetParam().lacks.end() ? nullptr : &it->second;
  }

  FakeClock clock_;
  std::unique_ptr<Store> store_;
};

}  // namespace aw::store::testing
