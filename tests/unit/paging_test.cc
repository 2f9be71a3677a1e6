// ForEachPage / ForEachItem: every page is visited in order, the callbacks
// stop the walk, max_pages bounds it, and a failed Query is returned.

#pragma GCC diagnostic ignored "-Wmissing-field-initializers"

#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "services/paging.h"
#include "store/memory/memory_store.h"
#include "store_test_util.h"

namespace aw::services {
namespace {

using store::testing::kThings;
using store::testing::Thing;

class PagingTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(store_.CreateTable(store::testing::ThingsSpec()).ok());
    for (int i = 0; i < 7; ++i) {
      ASSERT_TRUE(store_.PutItem({kThings, Thing("p", "s" + std::to_string(i)), {}}).ok());
    }
  }
  store::QueryRequest Query() const { return {.table = kThings, .pk = "p", .limit = 3}; }

  FakeClock clock_;
  store::MemoryStore store_{&clock_};
};

TEST_F(PagingTest, ForEachItemVisitsEveryItemOfEveryPageInOrder) {
  std::vector<std::string> seen;
  Status s = ForEachItem(&store_, Query(), [&](store::Item& it) {
    seen.push_back(it.value("s", ""));
    return true;
  });
  ASSERT_TRUE(s.ok()) << s.ToString();
  EXPECT_EQ(seen, (std::vector<std::string>{"s0", "s1", "s2", "s3", "s4", "s5", "s6"}));
}

TEST_F(PagingTest, ForEachPageHandsOverPagesOfTheLimit) {
  std::vector<size_t> sizes;
  ASSERT_TRUE(ForEachPage(&store_, Query(), [&](std::vector<store::Item>& items) {
                sizes.push_back(items.size());
                return true;
              }).ok());
  EXPECT_EQ(sizes, (std::vector<size_t>{3, 3, 1}));
}

TEST_F(PagingTest, ReturningFalseStops) {
  int items = 0;
  ASSERT_TRUE(ForEachItem(&store_, Query(), [&](store::Item&) { return ++items < 4; }).ok());
  EXPECT_EQ(items, 4);
  int pages = 0;
  ASSERT_TRUE(ForEachPage(&store_, Query(), [&](std::vector<store::Item>&) { return ++pages < 2; }).ok());
  EXPECT_EQ(pages, 2);
}

TEST_F(PagingTest, MaxPagesBoundsTheWalk) {
  int items = 0;
  ASSERT_TRUE(ForEachItem(
                  &store_, Query(),
                  [&](store::Item&) {
                    ++items;
                    return true;
                  },
                  2)
                  .ok());
  EXPECT_EQ(items, 6);
}

TEST_F(PagingTest, AFailedQueryIsReturned) {
  int calls = 0;
  store::QueryRequest q = Query();
  q.table = "NoSuchTable";
  Status s = ForEachItem(&store_, q, [&](store::Item&) {
    ++calls;
    return true;
  });
  EXPECT_FALSE(s.ok());
  EXPECT_EQ(calls, 0);
}

}  // namespace
}  // namespace aw::services
