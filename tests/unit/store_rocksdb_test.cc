// RocksStore beyond the shared contract (the conformance suite runs on it as
// "Rocks"): durability across reopen, group commit under concurrency, the
// TTL sweeper, RunAtomic, the directory lock, backup, engine figures.

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

#include "store/rocksdb/rocks_store.h"
#include "store_test_util.h"

namespace aw::store::testing {
namespace {

using ::testing::HasSubstr;

class RocksStoreTest : public ::testing::Test {
 protected:
  std::unique_ptr<RocksStore> Open(bool create_tables = true, const std::string& sub = "data",
                                   size_t writer_cache_bytes = RocksOptions{}.writer_cache_bytes) {
    RocksOptions opts;
    opts.path = dir_.path() + "/" + sub;
    opts.writer_cache_bytes = writer_cache_bytes;
    auto s = RocksStore::Open(opts, &clock_);
    EXPECT_TRUE(s.ok()) << s.status().ToString();
    if (!s.ok()) return nullptr;
    if (create_tables) {
      EXPECT_TRUE((*s)->CreateTable(ThingsSpec()).ok());
      EXPECT_TRUE((*s)->CreateTable(SinglesSpec()).ok());
    }
    return std::move(*s);
  }
  // Runs `fn` as an atomic unit and waits for its outcome.
  static Status RunUnit(RocksStore& store, AtomicFn fn) {
    std::promise<Status> done;
    EXPECT_TRUE(store.RunAtomic(std::move(fn), [&](Status s) { done.set_value(s); }));
    return done.get_future().get();
  }

  TempDir dir_;
  FakeClock clock_;
};

TEST_F(RocksStoreTest, DataSurvivesCloseAndReopen) {
  {
    auto store = Open();
    ASSERT_TRUE(store->PutItem({kThings, Thing("a", "1", {{"owner", "o"}, {"rank", "1"}}), {}}).ok());
    ASSERT_TRUE(store->UpdateItem(UpdateRequest{kThings, K("a", "1"), {}, {}}.Add("n", 2)).ok());
    ASSERT_TRUE(store->PutItem({kSingles, {{"id", "u"}, {"email", "e"}}, {}}).ok());
  }
  auto store = Open(/*create_tables=*/false);
  const TableSpec* spec = store->FindTable(kThings);
  ASSERT_NE(spec, nullptr);  // known from the stored definition
  EXPECT_EQ(spec->indexes.size(), 2u);
  EXPECT_EQ(spec->ttl_attribute, "ttl");
  auto item = store->GetItem({kThings, K("a", "1")});
  ASSERT_TRUE(item.ok());
  EXPECT_EQ((*item)["n"], 2);
  EXPECT_EQ(QueryAll(*store, {.table = kThings, .index = "by-owner", .pk = "o"}).size(), 1u);
  EXPECT_EQ(QueryAll(*store, {.table = kSingles, .index = "by-email", .pk = "e"}).size(), 1u);
  EXPECT_TRUE(store->CreateTable(ThingsSpec()).ok());  // same spec again: nothing to do
  // An index added after the reopen is back-filled; a dropped one is gone.
  TableSpec more = ThingsSpec();
  more.indexes.erase(more.indexes.begin());
  more.indexes.push_back({"by-n", "owner", "s"});
  ASSERT_TRUE(store->CreateTable(more).ok());
  EXPECT_EQ(QueryAll(*store, {.table = kThings, .index = "by-n", .pk = "o"}).size(), 1u);
  EXPECT_EQ(store->Query({.table = kThings, .index = "by-owner", .pk = "o"}).status().code(),
            Code::kInvalidArgument);
  store.reset();
  store = Open(false);
  EXPECT_EQ(QueryAll(*store, {.table = kThings, .index = "by-n", .pk = "o"}).size(), 1u);
}

TEST_F(RocksStoreTest, ASecondOpenOfTheSameDirectoryFailsClearly) {
  auto store = Open();
  RocksOptions opts;
  opts.path = dir_.path() + "/data";
  auto second = RocksStore::Open(opts, &clock_);
  ASSERT_FALSE(second.ok());
  EXPECT_EQ(second.status().code(), Code::kUnavailable);
  EXPECT_THAT(second.status().message(), HasSubstr("lock"));
  opts.path = "/proc/definitely/not/here";
  EXPECT_THAT(RocksStore::Open(opts, &clock_).status().message(), HasSubstr("/proc/definitely"));
  opts.path = "";
  EXPECT_EQ(RocksStore::Open(opts, &clock_).status().code(), Code::kInvalidArgument);
}

// Group commit: 32 threads each waiting for durability share WriteBatches
// and fsyncs; every acknowledged write is there after a reopen.
TEST_F(RocksStoreTest, ConcurrentDurableWritersShareSyncs) {
  constexpr int kThreads = 32, kEach = 40;
  {
    auto store = Open();
    const RocksStats before = store->Stats();
    std::vector<std::thread> threads;
    auto start = std::chrono::steady_clock::now();
    for (int t = 0; t < kThreads; ++t) {
      threads.emplace_back([&, t] {
        for (int i = 0; i < kEach; ++i) {
          std::string sk = std::to_string(t) + "-" + std::to_string(i);
          Item alert = Thing("w", sk,
                             {{"owner", "incident-" + std::to_string(i % 5)},
                              {"rank", sk},
                              {"message", std::string(300, 'm')}});
          ASSERT_TRUE(store->PutItem({kThings, alert, Condition::ItemNotExists("p")}).ok());
          ASSERT_TRUE(store->UpdateItem(UpdateRequest{kThings, K("count", "c"), {}, {}}.Add("n", 1)).ok());
        }
      });
    }
    for (auto& th : threads) th.join();
    double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    RocksStats st = store->Stats();
    const uint64_t ops = st.ops - before.ops, syncs = st.syncs - before.syncs;
    std::printf("[ info ] %d durable writes from %d threads in %.3f s (%.0f/s): %llu batches, %llu fsyncs\n",
                2 * kThreads * kEach, kThreads, secs, 2 * kThreads * kEach / secs,
                static_cast<unsigned long long>(st.groups - before.groups),
                static_cast<unsigned long long>(syncs));
    EXPECT_EQ(ops, uint64_t{2 * kThreads * kEach});
    EXPECT_GE(syncs, 1u);
    EXPECT_LT(syncs, ops);  // writes did share fsyncs
    EXPECT_GE(store->EngineStats()["wal_syncs"].get<uint64_t>(), syncs);
  }
  auto store = Open(false);
  EXPECT_EQ(QueryAll(*store, {.table = kThings, .pk = "w"}).size(), size_t{kThreads * kEach});
  EXPECT_EQ(QueryAll(*store, {.table = kThings, .index = "by-owner", .pk = "incident-3"}).size(),
            size_t{kThreads * kEach / 5});
  EXPECT_EQ((*store->GetItem({kThings, K("count", "c")}))["n"], kThreads * kEach);
}

TEST_F(RocksStoreTest, SweepDeletesExpiredItemsWithTheirIndexEntries) {
  auto store = Open();
  int64_t now = clock_.NowSeconds();
  for (int i = 0; i < 30; ++i) {
    Item item = Thing("s", std::to_string(i), {{"owner", "o"}, {"rank", std::to_string(i)}});
    if (i < 20) item["ttl"] = now + i;  // 0..19 s from now
    ASSERT_TRUE(store->PutItem({kThings, item, {}}).ok());
  }
  // Re-putting an item with a later TTL moves its TTL entry.
  Item moved = Thing("s", "0", {{"owner", "o"}, {"rank", "0"}, {"ttl", now + 1000}});
  ASSERT_TRUE(store->PutItem({kThings, moved, {}}).ok());
  EXPECT_EQ(*store->SweepExpired(100), 0u);
  clock_.Advance(std::chrono::seconds(1));  // item 1 expires: invisible at once, swept later
  EXPECT_EQ(store->GetItem({kThings, K("s", "1")}).status().code(), Code::kNotFound);
  EXPECT_EQ(*store->SweepExpired(100), 1u);
  clock_.Advance(std::chrono::seconds(9));
  EXPECT_EQ(*store->SweepExpired(4), 4u);  // capped
  EXPECT_EQ(*store->SweepExpired(100), 5u);
  EXPECT_EQ(ScanAll(*store, {.table = kThings}).size(), 20u);
  EXPECT_EQ(QueryAll(*store, {.table = kThings, .index = "by-owner", .pk = "o"}).size(), 20u);
  EXPECT_EQ(*store->SweepExpired(100), 0u);
  // The swept items are really gone: visible again if the clock went back.
  clock_.Advance(std::chrono::seconds(-100));
  EXPECT_EQ(store->GetItem({kThings, K("s", "5")}).status().code(), Code::kNotFound);
  EXPECT_TRUE(store->GetItem({kThings, K("s", "15")}).ok());
}

// A periodic sweep that hits its limit is followed by another soon, so expired
// items do not pile up when more than one pass's worth expire per interval.
TEST_F(RocksStoreTest, PeriodicSweepGoesOnSoonWhenItHitsItsLimit) {
  RocksOptions opts;
  opts.path = dir_.path() + "/sweep";
  opts.sweep_interval_seconds = 1;
  opts.sweep_items = 10;
  auto opened = RocksStore::Open(opts, &clock_);
  ASSERT_TRUE(opened.ok()) << opened.status().ToString();
  auto store = std::move(*opened);
  ASSERT_TRUE(store->CreateTable(ThingsSpec()).ok());
  const int64_t now = clock_.NowSeconds();
  constexpr int kExpiring = 80;  // 8 passes: 8 s at one pass per interval
  for (int i = 0; i < kExpiring + 5; ++i) {
    Item item = Thing("p", std::to_string(i), {{"owner", "o"}, {"rank", std::to_string(i)}});
    if (i < kExpiring) item["ttl"] = now + 1;
    ASSERT_TRUE(store->PutItem({kThings, item, {}}).ok());
  }
  clock_.Advance(std::chrono::seconds(5));
  // Passes at 1 s, then every ~0.1 s: done well within 4 s. At one pass per
  // interval, 4 s would sweep at most 40 of the 80.
  std::this_thread::sleep_for(std::chrono::seconds(4));
  // Seen through a rewound clock, so expired but unswept items would count.
  clock_.Advance(std::chrono::seconds(-100));
  EXPECT_EQ(ScanAll(*store, {.table = kThings}).size(), 5u);  // the items without TTL
}

// Passes over a backlog go on where the previous one stopped (not over the
// tombstones of what it deleted: a backlog of n items cost O(n^2) steps);
// an item that expires behind that point is swept once the backlog is done.
TEST_F(RocksStoreTest, SweepPassesGoOnWhereThePreviousStopped) {
  auto store = Open();
  const int64_t now = clock_.NowSeconds();
  for (int i = 0; i < 30; ++i) {
    ASSERT_TRUE(store->PutItem({kThings, Thing("s", std::to_string(i), {{"owner", "o"}, {"ttl", now + 2 + i}}), {}}).ok());
  }
  clock_.Advance(std::chrono::seconds(100));
  EXPECT_EQ(*store->SweepExpired(10), 10u);
  // Expired before every item left, written after the first pass.
  ASSERT_TRUE(store->PutItem({kThings, Thing("s", "early", {{"owner", "o"}, {"ttl", now + 1}}), {}}).ok());
  EXPECT_EQ(*store->SweepExpired(10), 10u);
  auto exists = [&](const std::string& sk) {
    clock_.Advance(std::chrono::seconds(-1000));  // expired but unswept items are visible then
    bool found = store->GetItem({kThings, K("s", sk)}).ok();
    clock_.Advance(std::chrono::seconds(1000));
    return found;
  };
  EXPECT_TRUE(exists("early")) << "the second pass started again from the first TTL entry";
  EXPECT_FALSE(exists("19"));
  EXPECT_TRUE(exists("29"));
  EXPECT_EQ(*store->SweepExpired(10), 10u);  // the last of the backlog
  EXPECT_EQ(*store->SweepExpired(10), 1u);   // from the beginning again: "early"
  EXPECT_FALSE(exists("early"));
  EXPECT_EQ(*store->SweepExpired(10), 0u);
}

TEST_F(RocksStoreTest, WritesAfterFlushAreUnavailableReadsStillWork) {
  auto store = Open();
  ASSERT_TRUE(store->PutItem({kThings, Thing("a", "1"), {}}).ok());
  ASSERT_TRUE(store->Flush().ok());
  ASSERT_TRUE(store->Flush().ok());  // idempotent
  EXPECT_EQ(store->PutItem({kThings, Thing("a", "2"), {}}).code(), Code::kUnavailable);
  EXPECT_TRUE(store->GetItem({kThings, K("a", "1")}).ok());
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

TEST_F(RocksStoreTest, OpenFailsClearlyOnABadPath) {
  RocksOptions opts;
  opts.path = "/proc/definitely/not/here";
  auto s = RocksStore::Open(opts, &clock_);
  ASSERT_FALSE(s.ok());
  EXPECT_THAT(s.status().message(), HasSubstr("/proc/definitely"));
  opts.path = "";
  EXPECT_EQ(RocksStore::Open(opts, &clock_).status().code(), Code::kInvalidArgument);
}

TEST_F(RocksStoreTest, DeferredWritesAreVisibleAtOnceAndDurableAfterSync) {
  {
    auto store = Open();
    PutRequest put{kThings, Thing("d", "1", {{"owner", "o"}, {"rank", "1"}}), {}};
    put.defer_sync = true;
    const uint64_t syncs0 = store->Stats().syncs;
    ASSERT_TRUE(store->PutItem(put).ok());
    UpdateRequest up{kThings, K("d", "1"), {}, {}};
    up.Add("n", 5);
    up.defer_sync = true;
    ASSERT_TRUE(store->UpdateItem(up).ok());
    EXPECT_EQ(store->Stats().syncs, syncs0);  // deferred: no fsync of their own
    EXPECT_EQ((*store->GetItem({kThings, K("d", "1")}))["n"], 5);
    PutRequest again = put;
    again.condition = Condition::ItemNotExists("p");
    EXPECT_EQ(store->PutItem(again).code(), Code::kConditionFailed);  // sees the deferred state
    ASSERT_TRUE(store->Sync().ok());
    const uint64_t syncs = store->Stats().syncs;
    EXPECT_EQ(syncs, syncs0 + 1);
    ASSERT_TRUE(store->PutItem({kThings, Thing("d", "2", {{"owner", "o"}, {"rank", "2"}}), {}}).ok());
    EXPECT_GT(store->Stats().syncs, syncs);  // a durable write waited for its own fsync
  }
  auto store = Open(false);
  EXPECT_EQ((*store->GetItem({kThings, K("d", "1")}))["n"], 5);
  EXPECT_TRUE(store->GetItem({kThings, K("d", "2")}).ok());
}

TEST_F(RocksStoreTest, RunAtomicWritesAllOrNothingAndIsDurableAtDone) {
  {
    auto store = Open();
    ASSERT_TRUE(store->PutItem({kThings, Thing("x", "0", {{"n", 1}}), {}}).ok());
    const uint64_t syncs_before = store->Stats().syncs;
    Status ok = RunUnit(*store, [](AtomicTxn& txn) -> Status {
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
    });
    ASSERT_TRUE(ok.ok()) << ok.ToString();
    EXPECT_GT(store->Stats().syncs, syncs_before);
    // A failing unit writes nothing, not even what it put before failing,
    // nor its index entries.
    Status bad = RunUnit(*store, [](AtomicTxn& txn) -> Status {
      if (Status s = txn.Put(kThings, Thing("x", "2", {{"owner", "o"}, {"rank", "2"}})); !s.ok()) return s;
      if (Status s = txn.Put(kThings, Thing("x", "0", {{"n", 100}})); !s.ok()) return s;
      return Status::Unavailable("changed my mind");
    });
    EXPECT_EQ(bad.code(), Code::kUnavailable);
    EXPECT_EQ(store->GetItem({kThings, K("x", "2")}).status().code(), Code::kNotFound);
    EXPECT_EQ((*store->GetItem({kThings, K("x", "0")}))["n"], 2);
    EXPECT_EQ(QueryAll(*store, {.table = kThings, .index = "by-owner", .pk = "o"}).size(), 1u);
    EXPECT_EQ(RunUnit(*store,
                      [](AtomicTxn& txn) {
                        return txn.Put(kThings, Item{{"n", 1}});
                      })
                  .code(),
              Code::kInvalidArgument);
  }
  auto store = Open(false);
  EXPECT_EQ((*store->GetItem({kThings, K("x", "0")}))["n"], 2);
  EXPECT_TRUE(store->GetItem({kThings, K("x", "1")}).ok());
  EXPECT_EQ(QueryAll(*store, {.table = kThings, .index = "by-owner", .pk = "o"}).size(), 1u);
}

TEST_F(RocksStoreTest, RunAtomicUnitsFromManyThreadsAllLand) {
  auto store = Open();
  constexpr int kThreads = 8, kEach = 40;
  std::atomic<int> failed{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kEach; ++i) {
        Status s = RunUnit(*store, [t, i](AtomicTxn& txn) {
          // A read-modify-write of one shared counter: lost updates would show.
          auto c = txn.Get(kThings, K("counter", "c"));
          if (!c.ok()) return c.status();
          int n = c->has_value() ? (*c)->at("n").get<int>() : 0;
          if (Status s = txn.Put(kThings, Thing("counter", "c", {{"n", n + 1}})); !s.ok()) return s;
          return txn.Put(kThings, Thing("t" + std::to_string(t), std::to_string(i)));
        });
        if (!s.ok()) ++failed;
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(failed.load(), 0);
  EXPECT_EQ((*store->GetItem({kThings, K("counter", "c")}))["n"], kThreads * kEach);
  EXPECT_EQ(QueryAll(*store, {.table = kThings, .pk = "t3"}).size(), static_cast<size_t>(kEach));
}

// The writer remembers items it read (and their index entry keys) across
// groups: units that fail after writing, interleaved with units that
// succeed, must leave reads, the counter and the GSI as if nothing were
// remembered.
TEST_F(RocksStoreTest, RememberedItemsFollowCommitsAndRollbacks) {
  auto store = Open();
  ASSERT_TRUE(store->PutItem({kThings, Thing("c", "0", {{"n", 0}, {"owner", "o"}, {"rank", "0"}})}).ok());
  constexpr int kUnits = 200;
  std::vector<std::promise<Status>> done(kUnits);
  for (int i = 0; i < kUnits; ++i) {
    const bool fail = i % 3 == 2;
    // Queued without waiting, so many units share a group (and a batch).
    ASSERT_TRUE(store->RunAtomic(
        [fail](AtomicTxn& txn) -> Status {
          auto c = txn.Get(kThings, K("c", "0"));
          if (!c.ok()) return c.status();
          if (!c->has_value()) return Status::Internal("c/0 missing");
          const int n = (*c)->at("n").get<int>() + 1;
          // The indexed attribute changes with every write: a stale entry key shows in the GSI.
          Item next = Thing("c", "0", {{"n", n}, {"owner", "o"}, {"rank", std::to_string(n)}});
          if (Status s = txn.Put(kThings, next); !s.ok()) return s;
          if (fail) return Status::Unavailable("rolled back after its write");
          return Status::OK();
        },
        [&done, i](Status s) { done[i].set_value(s); }));
  }
  int kept = 0;
  for (int i = 0; i < kUnits; ++i) {
    Status s = done[i].get_future().get();
    EXPECT_EQ(s.ok(), i % 3 != 2) << i << ": " << s.ToString();
    kept += s.ok() ? 1 : 0;
  }
  auto item = store->GetItem({kThings, K("c", "0")});
  ASSERT_TRUE(item.ok());
  EXPECT_EQ((*item)["n"], kept);
  auto by_owner = QueryAll(*store, {.table = kThings, .index = "by-owner", .pk = "o"});
  ASSERT_EQ(by_owner.size(), 1u);
  EXPECT_EQ(by_owner[0]["rank"], std::to_string(kept));
  // A unit read after the failures sees the committed item, not a rolled-back one.
  Status check = RunUnit(*store, [kept](AtomicTxn& txn) -> Status {
    auto c = txn.Get(kThings, K("c", "0"));
    if (!c.ok()) return c.status();
    if (!c->has_value() || (*c)->at("n") != kept) return Status::Internal("stale read in the writer");
    return Status::OK();
  });
  EXPECT_TRUE(check.ok()) << check.ToString();
  // Deleted through the writer: the remembered item goes too.
  ASSERT_TRUE(store->DeleteItem({kThings, K("c", "0")}).ok());
  Status gone = RunUnit(*store, [](AtomicTxn& txn) -> Status {
    auto c = txn.Get(kThings, K("c", "0"));
    if (!c.ok()) return c.status();
    return c->has_value() ? Status::Internal("deleted item still seen") : Status::OK();
  });
  EXPECT_TRUE(gone.ok()) << gone.ToString();
  EXPECT_TRUE(QueryAll(*store, {.table = kThings, .index = "by-owner", .pk = "o"}).empty());
}

// Reads `n` items "r/<i>" in one atomic unit each (so the writer remembers them).
Status ReadInUnits(RocksStore& store, int n) {
  for (int i = 0; i < n; ++i) {
    std::promise<Status> done;
    const bool queued = store.RunAtomic(
        [i](AtomicTxn& txn) -> Status {
          auto r = txn.Get(kThings, K("r", std::to_string(i)));
          if (!r.ok()) return r.status();
          return r->has_value() ? Status::OK() : Status::Internal("r/" + std::to_string(i) + " missing");
        },
        [&done](Status s) { done.set_value(s); });
    if (!queued) return Status::Unavailable("unit not queued");
    if (Status s = done.get_future().get(); !s.ok()) return s;
  }
  return Status::OK();
}

// The writer's cache of read items is what store-stats shows, and stays
// within its cap however many items are read (the soak's memory ceiling).
TEST_F(RocksStoreTest, WriterCacheOfReadItemsIsShownAndCapped) {
  constexpr size_t kCap = 64 << 10;
  constexpr int kItems = 400;  // ~1 KB each: ~400 KB read, six times the cap
  const std::string pad(1000, 'x');
  for (auto cap : {size_t{64} << 20, kCap}) {
    auto store = Open(true, "cap" + std::to_string(cap), cap);
    ASSERT_NE(store, nullptr);
    for (int i = 0; i < kItems; ++i) {
      ASSERT_TRUE(store->PutItem({kThings, Thing("r", std::to_string(i), {{"pad", pad}})}).ok());
    }
    EXPECT_EQ(store->Stats().writer_cache_items, 0u);  // written, never read: not kept
    ASSERT_TRUE(ReadInUnits(*store, kItems).ok());
    const RocksStats st = store->Stats();
    if (cap == kCap) {
      EXPECT_LE(st.writer_cache_bytes, kCap);
      EXPECT_GT(st.writer_cache_items, 0u);
      EXPECT_LT(st.writer_cache_items, uint64_t{kItems} / 4);
    } else {
      EXPECT_EQ(st.writer_cache_items, uint64_t{kItems});
      EXPECT_GE(st.writer_cache_bytes, uint64_t{kItems} * pad.size());
    }
    // Reading again still works from whatever the cache kept or lost.
    EXPECT_TRUE(ReadInUnits(*store, kItems).ok());
  }
}

TEST_F(RocksStoreTest, BackupIsAnOpenableCopyTakenWhileWriting) {
  auto store = Open();
  for (int i = 0; i < 20; ++i) {
    PutRequest put{kThings, Thing("b", std::to_string(i), {{"owner", "o"}, {"rank", "r"}}), {}};
    put.defer_sync = i % 2 == 0;
    ASSERT_TRUE(store->PutItem(put).ok());
  }
  ASSERT_TRUE(store->Backup(dir_.path() + "/backup").ok());
  ASSERT_TRUE(store->PutItem({kThings, Thing("b", "after"), {}}).ok());              // still serving
  EXPECT_EQ(store->Backup(dir_.path() + "/backup").code(), Code::kInvalidArgument);  // exists: refused
  auto copy = Open(false, "backup");
  ASSERT_NE(copy, nullptr);
  EXPECT_EQ(QueryAll(*copy, {.table = kThings, .pk = "b"}).size(), 20u);
  EXPECT_EQ(QueryAll(*copy, {.table = kThings, .index = "by-owner", .pk = "o"}).size(), 20u);
  nlohmann::json engine = store->EngineStats();
  for (const char* k :
       {"write_stall_micros", "compactions", "wal_syncs", "memtable_bytes", "block_cache_hit_rate"}) {
    EXPECT_TRUE(engine.contains(k)) << k;
  }
  for (const char* k : {"memtable_pinned_bytes", "table_readers_bytes"}) EXPECT_TRUE(engine.contains(k)) << k;
  EXPECT_GT(engine["memtable_bytes"].get<uint64_t>(), 0u);
}

}  // namespace
}  // namespace aw::store::testing
