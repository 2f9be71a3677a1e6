// SqliteStore beyond the shared contract: durability across reopen, group
// commit under concurrency, query plans, the TTL sweeper, Flush.

// Requests are written with designated initializers; GCC 12 warns about the
// fields they leave to their defaults, which is the point of them.
#pragma GCC diagnostic ignored "-Wmissing-field-initializers"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <future>
#include <thread>

#include "store/sqlite/sqlite_store.h"
#include "store_test_util.h"

namespace aw::store::testing {
namespace {

using ::testing::HasSubstr;

class SqliteStoreTest : public ::testing::Test {
 protected:
  std::unique_ptr<SqliteStore> Open(bool create_tables = true) {
    SqliteOptions opts;
    opts.path = dir_.path() + "/data/store.db";
    auto s = SqliteStore::Open(opts, &clock_);
    EXPECT_TRUE(s.ok()) << s.status().ToString();
    if (!s.ok()) return nullptr;
    if (create_tables) {
      EXPECT_TRUE((*s)->CreateTable(ThingsSpec()).ok());
      EXPECT_TRUE((*s)->CreateTable(SinglesSpec()).ok());
    }
    return std::move(*s);
  }

  TempDir dir_;
  FakeClock clock_;
};

TEST_F(SqliteStoreTest, DataSurvivesCloseAndReopen) {
  {
    auto store = Open();
    ASSERT_TRUE(store->PutItem({kThings, Thing("a", "1", {{"owner", "o"}, {"rank", "1"}}), {}}).ok());
    ASSERT_TRUE(store->UpdateItem(UpdateRequest{kThings, K("a", "1"), {}, {}}.Add("n", 2)).ok());
    ASSERT_TRUE(store->PutItem({kSingles, {{"id", "u"}, {"email", "e"}}, {}}).ok());
  }
  auto store = Open(/*create_tables=*/false);
  const TableSpec* spec = store->FindTable(kThings);
  ASSERT_NE(spec, nullptr);  // known from the meta table
  EXPECT_EQ(spec->indexes.size(), 2u);
  EXPECT_EQ(spec->ttl_attribute, "ttl");
  auto item = store->GetItem({kThings, K("a", "1")});
  ASSERT_TRUE(item.ok());
  EXPECT_EQ((*item)["n"], 2);
  EXPECT_EQ(QueryAll(*store, {.table = kThings, .index = "by-owner", .pk = "o"}).size(), 1u);
  EXPECT_EQ(QueryAll(*store, {.table = kSingles, .index = "by-email", .pk = "e"}).size(), 1u);
  EXPECT_TRUE(store->CreateTable(ThingsSpec()).ok());  // same spec again: nothing to do
  // An index added after the reopen is back-filled.
  TableSpec more = ThingsSpec();
  more.indexes.erase(more.indexes.begin());
  more.indexes.push_back({"by-n", "owner", "s"});
  ASSERT_TRUE(store->CreateTable(more).ok());
  EXPECT_EQ(QueryAll(*store, {.table = kThings, .index = "by-n", .pk = "o"}).size(), 1u);
  EXPECT_EQ(store->Query({.table = kThings, .index = "by-owner", .pk = "o"}).status().code(),
            Code::kInvalidArgument);  // dropped
  store.reset();
  store = Open(false);
  EXPECT_EQ(QueryAll(*store, {.table = kThings, .index = "by-n", .pk = "o"}).size(), 1u);
}

TEST_F(SqliteStoreTest, ConcurrentWritersAreAllDurable) {
  constexpr int kThreads = 16, kEach = 50;
  {
    auto store = Open();
    std::vector<std::thread> threads;
    auto start = std::chrono::steady_clock::now();
    for (int t = 0; t < kThreads; ++t) {
      threads.emplace_back([&, t] {
        for (int i = 0; i < kEach; ++i) {
          std::string sk = std::to_string(t) + "-" + std::to_string(i);
          ASSERT_TRUE(
              store->PutItem({kThings, Thing("w", sk, {{"t", t}}), Condition::ItemNotExists("p")}).ok());
          ASSERT_TRUE(store->UpdateItem(UpdateRequest{kThings, K("count", "c"), {}, {}}.Add("n", 1)).ok());
        }
      });
    }
    for (auto& th : threads) th.join();
    double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    SqliteStats stats = store->Stats();
    std::printf(
        "[ info ] %d writes from %d threads in %.3f s: %.0f writes/s, %llu commits (%.1f writes each)\n",
        2 * kThreads * kEach, kThreads, secs, 2 * kThreads * kEach / secs,
        static_cast<unsigned long long>(stats.groups),
        double(stats.ops) / double(std::max<uint64_t>(stats.groups, 1)));
    EXPECT_LT(stats.groups, stats.ops);  // writes did share commits
  }
  auto store = Open(false);
  EXPECT_EQ(QueryAll(*store, {.table = kThings, .pk = "w"}).size(), size_t{kThreads * kEach});
  EXPECT_EQ((*store->GetItem({kThings, K("count", "c")}))["n"], kThreads * kEach);
}

// Not a timed assertion: prints what group commit achieves on this machine
// with the ingest path's shape (32 threads, each waiting for durability).
TEST_F(SqliteStoreTest, GroupCommitSharesFsyncsAcross32Writers) {
  constexpr int kThreads = 32, kEach = 40;
  auto store = Open();
  std::vector<std::thread> threads;
  auto start = std::chrono::steady_clock::now();
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kEach; ++i) {
        Item alert = Thing("company-" + std::to_string(t % 4), std::to_string(t) + "-" + std::to_string(i),
                           {{"owner", "incident-" + std::to_string(i % 5)},
                            {"rank", "2024-01-01T00:00:00Z"},
                            {"message", std::string(300, 'm')}});
        ASSERT_TRUE(store->PutItem({kThings, alert, Condition::ItemNotExists("p")}).ok());
      }
    });
  }
  for (auto& th : threads) th.join();
  double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  SqliteStats stats = store->Stats();
  std::printf(
      "[ info ] group commit: %d conditional puts from %d threads in %.3f s (%.0f/s), %llu commits, %.1f "
      "each\n",
      kThreads * kEach, kThreads, secs, kThreads * kEach / secs,
      static_cast<unsigned long long>(stats.groups),
      double(stats.ops) / double(std::max<uint64_t>(stats.groups, 1)));
  EXPECT_EQ(stats.ops, uint64_t{kThreads * kEach + 2});  // + the two CreateTables
}

TEST_F(SqliteStoreTest, QueriesSeekOnTheirIndex) {
  auto store = Open();
  for (int i = 0; i < 50; ++i) {
    ASSERT_TRUE(
        store->PutItem({kThings, Thing("p", std::to_string(i), {{"owner", "o"}, {"rank", "r"}}), {}}).ok());
  }
  auto page = store->Query({.table = kThings, .index = "by-owner", .pk = "o", .limit = 5});
  ASSERT_TRUE(page.ok());
  std::vector<QueryRequest> queries = {
      {.table = kThings,
       .pk = "p",
       .sk = {SortCondition::Op::kBetween, "1", "3"},
       .forward = false,
       .limit = 5},
      {.table = kThings, .pk = "p", .sk = {SortCondition::Op::kBeginsWith, "1"}},
      {.table = kThings,
       .index = "by-owner",
       .pk = "o",
       .sk = {SortCondition::Op::kGreater, "a"},
       .limit = 5},
      {.table = kThings, .index = "by-owner", .pk = "o", .limit = 5, .page_token = page->next_page_token},
      {.table = kThings, .index = "by-tag", .pk = "t", .forward = false},
  };
  for (const auto& q : queries) {
    auto plan = store->ExplainQuery(q);
    ASSERT_TRUE(plan.ok()) << plan.status().ToString();
    std::string all;
    for (const auto& line : *plan) all += line + "\n";
    SCOPED_TRACE(all);
    EXPECT_THAT(all, HasSubstr("SEARCH"));
    EXPECT_THAT(all, HasSubstr(q.index.empty() ? "PRIMARY KEY (pk=?" : "INDEX i:Things:g"));
    EXPECT_THAT(all, ::testing::Not(HasSubstr("TEMP B-TREE")));  // no sort in memory
    EXPECT_THAT(all, ::testing::Not(HasSubstr("SCAN")));
  }
  // The resumed GSI page seeks past the token instead of re-reading the ties.
  auto resumed = store->ExplainQuery(queries[3]);
  EXPECT_THAT((*resumed)[0], HasSubstr("(g0_sk,pk,sk)>(?,?,?)"));
}

TEST_F(SqliteStoreTest, SweepDeletesExpiredRows) {
  auto store = Open();
  int64_t now = clock_.NowSeconds();
  for (int i = 0; i < 30; ++i) {
    Item item = Thing("s", std::to_string(i));
    if (i < 20) item["ttl"] = now + i;  // 0..19 s from now
    ASSERT_TRUE(store->PutItem({kThings, item, {}}).ok());
  }
  auto swept = store->SweepExpired(100);
  ASSERT_TRUE(swept.ok());
  EXPECT_EQ(*swept, 1u);  // ttl == now
  clock_.Advance(std::chrono::seconds(9));
  EXPECT_EQ(*store->SweepExpired(4), 4u);  // capped
  EXPECT_EQ(*store->SweepExpired(100), 5u);
  EXPECT_EQ(ScanAll(*store, {.table = kThings}).size(), 20u);
  EXPECT_EQ(*store->SweepExpired(100), 0u);
  EXPECT_TRUE(store->Checkpoint().ok());
}

TEST_F(SqliteStoreTest, WritesAfterFlushAreUnavailableReadsStillWork) {
  auto store = Open();
  ASSERT_TRUE(store->PutItem({kThings, Thing("a", "1"), {}}).ok());
  ASSERT_TRUE(store->Flush().ok());
  ASSERT_TRUE(store->Flush().ok());  // idempotent
  EXPECT_EQ(store->PutItem({kThings, Thing("a", "2"), {}}).code(), Code::kUnavailable);
  EXPECT_TRUE(store->GetItem({kThings, K("a", "1")}).ok());
}

TEST_F(SqliteStoreTest, OpenFailsClearlyOnABadPath) {
  SqliteOptions opts;
  opts.path = "/proc/definitely/not/here.db";
  auto s = SqliteStore::Open(opts, &clock_);
  ASSERT_FALSE(s.ok());
  EXPECT_THAT(s.status().message(), HasSubstr("/proc/definitely"));
  opts.path = "";
  EXPECT_EQ(SqliteStore::Open(opts, &clock_).status().code(), Code::kInvalidArgument);
}

// Deferred writes (defer_sync) are visible at once and durable after Sync();
// durable writes wait for an fsync of the WAL done by the syncer thread.
TEST_F(SqliteStoreTest, DeferredWritesAreVisibleAtOnceAndDurableAfterSync) {
  {
    auto store = Open();
    PutRequest put{kThings, Thing("d", "1", {{"owner", "o"}, {"rank", "1"}}), {}};
    put.defer_sync = true;
    ASSERT_TRUE(store->PutItem(put).ok());
    UpdateRequest up{kThings, K("d", "1"), {}, {}};
    up.Add("n", 5);
    up.defer_sync = true;
    ASSERT_TRUE(store->UpdateItem(up).ok());
    auto seen = store->GetItem({kThings, K("d", "1")});
    ASSERT_TRUE(seen.ok());
    EXPECT_EQ((*seen)["n"], 5);
    // A deferred conditional write still sees the deferred state.
    PutRequest again = put;
    again.condition = Condition::ItemNotExists("p");
    EXPECT_EQ(store->PutItem(again).code(), Code::kConditionFailed);
    ASSERT_TRUE(store->Sync().ok());
    const uint64_t syncs = store->Stats().syncs;
    EXPECT_GE(syncs, 1u);
    ASSERT_TRUE(store->PutItem({kThings, Thing("d", "2", {{"owner", "o"}, {"rank", "2"}}), {}}).ok());
    EXPECT_GT(store->Stats().syncs, syncs);  // a durable write waited for its own fsync
  }
  auto store = Open(false);
  auto item = store->GetItem({kThings, K("d", "1")});
  ASSERT_TRUE(item.ok());
  EXPECT_EQ((*item)["n"], 5);
  EXPECT_TRUE(store->GetItem({kThings, K("d", "2")}).ok());
}

// RunAtomic: all of a unit's writes or none; its reads see its own writes;
// `done` comes once they are durable, and they survive a reopen.
TEST_F(SqliteStoreTest, RunAtomicWritesAllOrNothingAndIsDurableAtDone) {
  {
    auto store = Open();
    ASSERT_TRUE(store->PutItem({kThings, Thing("x", "0", {{"n", 1}}), {}}).ok());
    std::promise<Status> ok_done;
    const uint64_t syncs_before = store->Stats().syncs;
    bool queued = store->RunAtomic(
        [](AtomicTxn& txn) -> Status {
          auto old = txn.Get(kThings, K("x", "0"));
          if (!old.ok()) return old.status();
          if (!old->has_value()) return Status::Internal("x/0 missing");
          Item next = **old;
          next["n"] = (*old)->at("n").get<int>() + 1;
          if (Status s = txn.Put(kThings, next); !s.ok()) return s;
          if (Status s = txn.Put(kThings, Thing("x", "1", {{"owner", "o"}, {"rank", "1"}})); !s.ok()) return s;
          auto own = txn.Get(kThings, K("x", "1"));  // sees its own write
          if (!own.ok() || !own->has_value()) return Status::Internal("own write not visible");
          return Status::OK();
        },
        [&](Status s) { ok_done.set_value(s); });
    ASSERT_TRUE(queued);
    ASSERT_TRUE(ok_done.get_future().get().ok());
    EXPECT_GT(store->Stats().syncs, syncs_before);  // durable: the WAL was fsynced for it
    // A failing unit writes nothing, not even what it put before failing.
    std::promise<Status> bad_done;
    store->RunAtomic(
        [](AtomicTxn& txn) -> Status {
          if (Status s = txn.Put(kThings, Thing("x", "2")); !s.ok()) return s;
          if (Status s = txn.Put(kThings, Thing("x", "0", {{"n", 100}})); !s.ok()) return s;
          return Status::Unavailable("changed my mind");
        },
        [&](Status s) { bad_done.set_value(s); });
    EXPECT_EQ(bad_done.get_future().get().code(), Code::kUnavailable);
    EXPECT_EQ(store->GetItem({kThings, K("x", "2")}).status().code(), Code::kNotFound);
    // An item without its key is refused, and fails the unit.
    std::promise<Status> keyless_done;
    store->RunAtomic([](AtomicTxn& txn) { return txn.Put(kThings, Item{{"n", 1}}); },
                     [&](Status s) { keyless_done.set_value(s); });
    EXPECT_EQ(keyless_done.get_future().get().code(), Code::kInvalidArgument);
  }
  auto store = Open(false);
  auto x0 = store->GetItem({kThings, K("x", "0")});
  ASSERT_TRUE(x0.ok());
  EXPECT_EQ((*x0)["n"], 2);
  EXPECT_TRUE(store->GetItem({kThings, K("x", "1")}).ok());
  EXPECT_EQ(QueryAll(*store, {.table = kThings, .index = "by-owner", .pk = "o"}).size(), 1u);  // GSI kept
}

// Units queued by many threads at once all run, each exactly once, and
// share transactions and fsyncs with their neighbours.
TEST_F(SqliteStoreTest, RunAtomicUnitsFromManyThreadsAllLand) {
  auto store = Open();
  constexpr int kThreads = 8, kEach = 40;
  std::atomic<int> failed{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kEach; ++i) {
        std::promise<Status> done;
        store->RunAtomic(
            [t, i](AtomicTxn& txn) {
              // A read-modify-write of one shared counter: lost updates would show.
              auto c = txn.Get(kThings, K("counter", "c"));
              if (!c.ok()) return c.status();
              int n = c->has_value() ? (*c)->at("n").get<int>() : 0;
              if (Status s = txn.Put(kThings, Thing("counter", "c", {{"n", n + 1}})); !s.ok()) return s;
              return txn.Put(kThings, Thing("t" + std::to_string(t), std::to_string(i)));
            },
            [&](Status s) { done.set_value(s); });
        if (!done.get_future().get().ok()) ++failed;
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(failed.load(), 0);
  auto c = store->GetItem({kThings, K("counter", "c")});
  ASSERT_TRUE(c.ok());
  EXPECT_EQ((*c)["n"], kThreads * kEach);
  EXPECT_EQ(QueryAll(*store, {.table = kThings, .pk = "t3"}).size(), static_cast<size_t>(kEach));
  std::printf("%d atomic units from %d threads: %llu transactions, %llu fsyncs\n", kThreads * kEach, kThreads,
              static_cast<unsigned long long>(store->Stats().groups),
              static_cast<unsigned long long>(store->Stats().syncs));
}

TEST_F(SqliteStoreTest, RunAtomicAfterFlushAnswersUnavailable) {
  auto store = Open();
  ASSERT_TRUE(store->Flush().ok());
  std::promise<Status> done;
  bool ran = false;
  EXPECT_TRUE(store->RunAtomic(
      [&](AtomicTxn&) {
        ran = true;
        return Status::OK();
      },
      [&](Status s) { done.set_value(s); }));
  EXPECT_EQ(done.get_future().get().code(), Code::kUnavailable);
  EXPECT_FALSE(ran);
}

}  // namespace
}  // namespace aw::store::testing
