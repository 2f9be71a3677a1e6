// Evaluate (store.cc): DynamoDB condition semantics, incl. numbers of every
// JSON representation.

#include <gtest/gtest.h>

#include "store/store.h"

namespace aw::store {
namespace {

TEST(StoreConditionTest, ClausesFollowDynamoDbSemantics) {
  Item item = {{"s", "b"}, {"n", 5}, {"f", 2.5}, {"flag", true}, {"nil", nullptr}};
  EXPECT_TRUE(Evaluate(Condition(), nullptr));
  EXPECT_TRUE(Evaluate(Condition::ItemNotExists("s"), nullptr));
  EXPECT_FALSE(Evaluate(Condition::ItemExists("s"), nullptr));
  EXPECT_TRUE(Evaluate(Condition().Exists("nil").NotExists("zzz"), &item));
  EXPECT_TRUE(Evaluate(Condition().Equals("n", 5.0).Equals("f", 2.5).Equals("flag", true), &item));
  EXPECT_TRUE(
      Evaluate(Condition().Less("s", "c").GreaterEq("s", "b").Greater("n", 4.5).LessEq("f", 3), &item));
  EXPECT_FALSE(Evaluate(Condition().Less("n", "9"), &item));      // types differ
  EXPECT_FALSE(Evaluate(Condition().Less("flag", true), &item));  // bools do not order
  EXPECT_FALSE(Evaluate(Condition().Less("zzz", 1), &item));      // missing
  EXPECT_TRUE(Evaluate(Condition().NotEquals("zzz", 1).NotEquals("n", 6), &item));
}

TEST(StoreConditionTest, LargeIntegersCompareExactly) {
  // Parsed JSON holds non-negative integers as uint64; these used to be cast
  // to int64 (UINT64_MAX == -1) or to double (2^53 + 1 == 2^53).
  Item item = Item::parse(R"({"big": 18446744073709551615, "exact": 9007199254740993})");
  EXPECT_FALSE(Evaluate(Condition().Equals("big", -1), &item));
  EXPECT_TRUE(Evaluate(Condition().Greater("big", -1), &item));
  EXPECT_TRUE(Evaluate(Condition().Greater("big", int64_t{INT64_MAX}), &item));
  EXPECT_FALSE(Evaluate(Condition().Equals("exact", 9007199254740992.0), &item));
  EXPECT_TRUE(Evaluate(Condition().Greater("exact", 9007199254740992.0), &item));
  EXPECT_TRUE(Evaluate(Condition().Equals("exact", int64_t{9007199254740993}), &item));
}

TEST(StoreConditionTest, ItemSizeNeverThrows) {
  Item item = {{"bad", "\xff"}};
  EXPECT_GT(ItemSize(item), 0u);
  EXPECT_EQ(ItemSize(Item{{"a", 1}}), 7u);  // {"a":1}
}

}  // namespace
}  // namespace aw::store
