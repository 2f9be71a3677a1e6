// TxnItems: each item read at most once, written at most once, in the order
// first touched; store errors throw (so the unit fails as a whole).

#include <gtest/gtest.h>

#include <map>

#include "base/errors.h"
#include "services/txn_items.h"

namespace aw::services {
namespace {

// An AtomicTxn over a map, counting reads and writes.
class FakeTxn final : public store::AtomicTxn {
 public:
  Result<std::optional<store::Item>> Get(const std::string& table, const store::Key& key) override {
    ++gets;
    if (fail_reads) return Status::Unavailable("disk on fire");
    auto it = items.find(table + "/" + key.pk + "/" + key.sk.value_or(""));
    if (it == items.end()) return std::optional<store::Item>();
    return std::optional<store::Item>(it->second);
  }
  Status Put(const std::string& table, const store::Item& item) override {
    puts.push_back(table + "/" + item.value("pk", "") + "/" + item.value("sk", ""));
    items[puts.back()] = item;
    return Status::OK();
  }
  std::map<std::string, store::Item> items;
  std::vector<std::string> puts;
  int gets = 0;
  bool fail_reads = false;
};

store::Item Row(const std::string& pk, const std::string& sk, int n) { return {{"pk", pk}, {"sk", sk}, {"n", n}}; }

TEST(TxnItemsTest, ReadsOnceWritesOnceInFirstTouchedOrder) {
  FakeTxn txn;
  txn.items["T/a/1"] = Row("a", "1", 1);
  TxnItems items(txn);
  nlohmann::json* a = items.Get("T", {"a", "1"});
  ASSERT_NE(a, nullptr);
  EXPECT_EQ(items.Get("T", {"a", "1"}), a);  // the same kept copy
  EXPECT_EQ(items.Get("T", {"b", "1"}), nullptr);
  EXPECT_EQ(items.Get("T", {"b", "1"}), nullptr);
  EXPECT_EQ(txn.gets, 2);  // one read per key, also for an absent one
  items.Put("T", {"c", "1"}, Row("c", "1", 7));
  (*a)["n"] = 2;
  items.Touch("T", {"a", "1"});
  (*a)["n"] = 3;  // changed again: still one write, with the last value
  items.Touch("T", {"a", "1"});
  items.Put("T", {"b", "1"}, Row("b", "1", 5));
  EXPECT_EQ(items.Get("T", {"b", "1"})->at("n"), 5);  // a Put is read back without a store read
  EXPECT_EQ(txn.gets, 2);
  EXPECT_TRUE(txn.puts.empty());  // nothing written before Flush
  ASSERT_TRUE(items.Flush().ok());
  EXPECT_EQ(txn.puts, (std::vector<std::string>{"T/c/1", "T/a/1", "T/b/1"}));
  EXPECT_EQ(txn.items["T/a/1"]["n"], 3);
  // Touching an absent item writes nothing.
  items.Touch("T", {"zz", "1"});
  ASSERT_TRUE(items.Flush().ok());
  EXPECT_EQ(txn.puts.size(), 3u);
  // After Flush the written items are moved out once; nothing is written again.
  auto taken = items.Take("T", {"a", "1"});
  ASSERT_TRUE(taken.has_value());
  EXPECT_EQ(taken->at("n"), 3);
  EXPECT_FALSE(items.Take("T", {"a", "1"}).has_value());
  EXPECT_FALSE(items.Take("T", {"zz", "1"}).has_value());
  EXPECT_FALSE(items.Take("T", {"never", "seen"}).has_value());
  ASSERT_TRUE(items.Flush().ok());
  EXPECT_EQ(txn.puts.size(), 3u);
}

TEST(TxnItemsTest, AnUnwrittenChangeIsNotTaken) {
  FakeTxn txn;
  txn.items["T/a/1"] = Row("a", "1", 1);
  TxnItems items(txn);
  (*items.Get("T", {"a", "1"}))["n"] = 9;
  items.Touch("T", {"a", "1"});
  EXPECT_FALSE(items.Take("T", {"a", "1"}).has_value());  // not flushed yet
  ASSERT_TRUE(items.Flush().ok());
  EXPECT_EQ(items.Take("T", {"a", "1"})->at("n"), 9);
}

TEST(TxnItemsTest, StoreErrorsThrowSoTheUnitFails) {
  FakeTxn txn;
  txn.fail_reads = true;
  TxnItems items(txn);
  EXPECT_THROW(items.Get("T", {"a", "1"}), ApiError);
  txn.fail_reads = false;
  txn.items["T/a/1"] = Row("a", "1", 1);
  EXPECT_NE(items.Get("T", {"a", "1"}), nullptr);  // a failed read is not remembered as "absent"
}

}  // namespace
}  // namespace aw::services
