// The cross-company list machinery (services/sharded_query.h,
// services/list_index.h) on the reference store: a sharded read returns
// exactly the items a full sort would, page after page, with a one-key cursor
// and a bounded number of Queries; the derived index attributes follow the
// incident's status and priority.

#include "services/sharded_query.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <random>
#include <set>

#include "base/clock.h"
#include "base/errors.h"
#include "services/list_index.h"
#include "store/memory/memory_store.h"
#include "store/tables.h"
#include "store_test_util.h"

namespace aw::services {
namespace {

namespace t = store::tables;
using nlohmann::json;

// Counts Query calls; everything goes to the reference store.
class CountingStore : public store::testing::ForwardingStore {
 public:
  // The base keeps only the address of inner_, constructed right after it.
  explicit CountingStore(const aw::Clock* clock) : ForwardingStore(&inner_), inner_(clock) {}
  Result<store::QueryResult> Query(const store::QueryRequest& req) override {
    ++queries;
    return ForwardingStore::Query(req);
  }

  int queries = 0;

 private:
  store::MemoryStore inner_;
};

class ShardedQueryTest : public ::testing::Test {
 protected:
  void SetUp() override {
    for (const auto& spec : t::All()) ASSERT_TRUE(store_.CreateTable(spec).ok());
  }

  // n alerts over `companies` companies, stamped as the server stamps them.
  std::vector<json> PutAlerts(int n, int companies, unsigned seed) {
    std::mt19937 rng(seed);
    std::vector<json> all;
    for (int i = 0; i < n; ++i) {
      char ts[40];
      // Many equal timestamps on purpose: the key must still be unique.
      std::snprintf(ts, sizeof ts, "2026-12-01T10:%02d:00.000000Z", static_cast<int>(rng() % 60));
      json a = {{"company_id", "c" + std::to_string(rng() % companies)},
                {"id", "a" + std::to_string(100000 + i)},
                {"timestamp", ts},
                {"status", rng() % 4 == 0 ? "resolved" : "active"}};
      list_index::StampAlert(a);
      EXPECT_TRUE(store_.PutItem({t::kAlerts, a, {}}).ok());
      all.push_back(a);
    }
    std::sort(all.begin(), all.end(),
              [](const json& x, const json& y) { return x["time_key"].get<std::string>() > y["time_key"]; });
    return all;
  }

  ShardedQuery AlertQuery(int limit) {
    ShardedQuery q;
    q.table = t::kAlerts;
    q.index = t::kAlertsByShardIndex;
    q.sort_attr = "time_key";
    for (int i = 0; i < list_index::kShards; ++i) q.partitions.push_back("t#" + std::to_string(i));
    q.limit = limit;
    return q;
  }

  // Every page, following the cursors; checks each page's Query count.
  std::vector<json> Walk(ShardedQuery q, int max_queries_per_page, int* pages = nullptr) {
    std::vector<json> out;
    for (int page = 0; page < 10000; ++page) {
      store_.queries = 0;
      ShardedPage p = RunShardedQuery(&store_, q);
      EXPECT_LE(store_.queries, max_queries_per_page);
      EXPECT_EQ(p.requests, store_.queries);
      EXPECT_LE(static_cast<int>(p.items.size()), q.limit);
      out.insert(out.end(), p.items.begin(), p.items.end());
      if (pages) *pages = page + 1;
      if (p.next_below.empty()) return out;
      EXPECT_LT(p.next_below, q.below.empty() ? std::string(1, '\xff') : q.below);  // progress
      q.below = p.next_below;
    }
    ADD_FAILURE() << "paging does not end";
    return out;
  }

  static std::vector<std::string> Ids(const std::vector<json>& items) {
    std::vector<std::string> ids;
    for (const auto& i : items) ids.push_back(i.value("id", ""));
    return ids;
  }

  FakeClock clock_;
  CountingStore store_{&clock_};
};

TEST_F(ShardedQueryTest, PagesAreTheFullSortWithoutGapsOrRepeats) {
  auto all = PutAlerts(1000, 300, 1);
  for (int limit : {1, 7, 50, 500}) {
    int pages = 0;
    auto got = Walk(AlertQuery(limit), 4 * list_index::kShards + 4, &pages);
    EXPECT_EQ(Ids(got), Ids(all)) << "limit " << limit;
    EXPECT_LE(pages, (1000 + limit - 1) / limit + 1)
        << "limit " << limit;  // full pages, perhaps one empty last
  }
}

TEST_F(ShardedQueryTest, AnUnfilteredPageCostsAboutOneQueryPerShard) {
  PutAlerts(2000, 1000, 2);
  store_.queries = 0;
  ShardedPage p = RunShardedQuery(&store_, AlertQuery(50));
  EXPECT_EQ(p.items.size(), 50u);
  EXPECT_LE(p.requests, list_index::kShards + 4);
  EXPECT_GE(p.requests, list_index::kShards);
}

TEST_F(ShardedQueryTest, AFilterIsAppliedWhileReading) {
  auto all = PutAlerts(600, 50, 3);
  std::vector<json> want;
  for (const auto& a : all) {
    if (a["status"] == "resolved") want.push_back(a);
  }
  ShardedQuery q = AlertQuery(20);
  q.keep = [](const json& a) { return a["status"] == "resolved"; };
  EXPECT_EQ(Ids(Walk(q, 4 * list_index::kShards + 4)), Ids(want));
}

TEST_F(ShardedQueryTest, ARequestBudgetGivesShortPagesThatStillCoverEverything) {
  auto all = PutAlerts(3000, 20, 4);
  std::vector<json> want;
  for (const auto& a : all) {
    if (a["company_id"] == "c3") want.push_back(a);  // rare: most reads are skipped
  }
  ShardedQuery q = AlertQuery(30);
  q.keep = [](const json& a) { return a["company_id"] == "c3"; };
  q.max_requests = list_index::kShards + 2;
  EXPECT_EQ(Ids(Walk(q, list_index::kShards + 2)), Ids(want));
}

TEST_F(ShardedQueryTest, CursorIsOneShortKeyAndForeignCursorsAreRefused) {
  const std::string key = "2026-12-01T10:00:00.000000Z#0193a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b";
  std::string c = EncodeShardCursor("a", key);
  EXPECT_LT(c.size(), 120u);
  EXPECT_EQ(ShardCursorKind(c), "a");
  EXPECT_EQ(DecodeShardCursor("a", c), key);
  EXPECT_EQ(DecodeShardCursor("a", ""), "");
  EXPECT_THROW(DecodeShardCursor("t", c), ApiError);
  EXPECT_THROW(DecodeShardCursor("a", "a.***"), ApiError);
  EXPECT_THROW(DecodeShardCursor("a", "garbage"), ApiError);
  EXPECT_THROW(DecodeShardCursor("a", EncodeShardCursor("a", std::string(300, 'x'))), ApiError);
}

TEST(ListIndexTest, OpenIncidentsAreInTheQueueByPriorityAndLeaveItWhenResolved) {
  json inc = {{"company_id", "c1"},      {"id", "0193-x"},
              {"status", "new"},         {"severity", "high"},
              {"alert_count", 2},        {"tool_sources", json::array({"a"})},
              {"critical_asset", false}, {"created_at", "2026-12-01T10:00:00.000000Z"}};
  list_index::StampIncident(inc);
  const std::string shard = std::to_string(list_index::ShardOf("0193-x"));
  EXPECT_EQ(inc["time_shard"], "t#" + shard);
  EXPECT_EQ(inc["open_shard"], "open#" + shard);
  EXPECT_EQ(inc["queue_key"], "064#0193-x");  // high 60 + 2 alerts x 2, no age term

  // Resolving removes the queue attributes; the time shard stays.
  store::UpdateRequest u;
  u.table = t::kIncidents;
  u.key = {"c1", "0193-x"};
  u.Set("status", "resolved");
  list_index::StampUpdate(inc, u);
  std::set<std::string> removed, set;
  for (const auto& a : u.actions) {
    if (a.kind == store::UpdateAction::Kind::kRemove) removed.insert(a.attribute);
    if (a.kind == store::UpdateAction::Kind::kSet) set.insert(a.attribute);
  }
  EXPECT_EQ(removed, (std::set<std::string>{"open_shard", "queue_key"}));
  EXPECT_EQ(set, (std::set<std::string>{"status"}));

  // Reopening (or a change of priority) sets them again.
  json resolved = inc;
  resolved["status"] = "resolved";
  resolved.erase("open_shard");
  resolved.erase("queue_key");
  store::UpdateRequest back;
  back.table = t::kIncidents;
  back.key = {"c1", "0193-x"};
  back.Set("status", "in_progress").Set("severity", "critical");
  list_index::StampUpdate(resolved, back);
  json after = resolved;
  for (const auto& a : back.actions) {
    if (a.kind == store::UpdateAction::Kind::kSet) after[a.attribute] = a.value;
  }
  EXPECT_EQ(after["open_shard"], "open#" + shard);
  EXPECT_EQ(after["queue_key"], "094#0193-x");

  // A pointer or locator item is never stamped into a list.
  EXPECT_FALSE(list_index::IsIncident({{"company_id", "c1#corr"}, {"id", "ptr#1"}, {"status", "x"}}));
  EXPECT_FALSE(list_index::IsAlert({{"company_id", "c1"}, {"id", "dlv#abc"}, {"timestamp", "t"}}));
}

}  // namespace
}  // namespace aw::services
