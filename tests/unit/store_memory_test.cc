// MemoryStore beyond the shared contract.

// Requests are written with designated initializers; GCC 12 warns about the
// fields they leave to their defaults, which is the point of them.
#pragma GCC diagnostic ignored "-Wmissing-field-initializers"

#include <gtest/gtest.h>

#include "store/memory/memory_store.h"
#include "store_test_util.h"

namespace aw::store::testing {
namespace {

TEST(MemoryStoreTest, SweepExpiredRemovesOnlyExpiredItems) {
  FakeClock clock;
  MemoryStore store(&clock);
  ASSERT_TRUE(store.CreateTable(ThingsSpec()).ok());
  int64_t now = clock.NowSeconds();
  ASSERT_TRUE(store.PutItem({kThings, Thing("a", "1", {{"ttl", now + 5}, {"tag", "t"}}), {}}).ok());
  ASSERT_TRUE(store.PutItem({kThings, Thing("a", "2", {{"ttl", now + 50}}), {}}).ok());
  ASSERT_TRUE(store.PutItem({kThings, Thing("a", "3"), {}}).ok());
  EXPECT_EQ(store.SweepExpired(), 0u);
  clock.Advance(std::chrono::seconds(5));
  EXPECT_EQ(store.SweepExpired(), 1u);
  EXPECT_TRUE(QueryAll(store, {.table = kThings, .index = "by-tag", .pk = "t"}).empty());
  EXPECT_EQ(ScanAll(store, {.table = kThings}).size(), 2u);
  EXPECT_TRUE(store.Flush().ok());
}

TEST(MemoryStoreTest, FindTableKeepsOldSpecsAliveAcrossRedefinition) {
  FakeClock clock;
  MemoryStore store(&clock);
  ASSERT_TRUE(store.CreateTable(ThingsSpec()).ok());
  const TableSpec* before = store.FindTable(kThings);
  TableSpec more = ThingsSpec();
  more.indexes.push_back({"by-x", "x", std::nullopt});
  ASSERT_TRUE(store.CreateTable(more).ok());
  EXPECT_EQ(before->indexes.size(), 2u);  // still readable
  EXPECT_EQ(store.FindTable(kThings)->indexes.size(), 3u);
}

}  // namespace
}  // namespace aw::store::testing
