// Store conformance, part 2: Query (table and GSI), page tokens, filters,
// the 1 MB page cap and Scan. Runs on every backend.

// Requests are written with designated initializers; GCC 12 warns about the
// fields they leave to their defaults, which is the point of them.
#pragma GCC diagnostic ignored "-Wmissing-field-initializers"

#include <algorithm>

#include "crypto/hash.h"
#include "store/page_token.h"
#include "store_conformance.h"

namespace aw::store::testing {
namespace {

using Op = SortCondition::Op;

std::vector<std::string> Strings(const std::vector<Item>& items, const char* attr) {
  std::vector<std::string> out;
  for (const auto& i : items) out.push_back(i.at(attr).get<std::string>());
  return out;
}

struct SortCase {
  SortCondition cond;
  std::vector<std::string> expected;  // ascending
};

std::vector<SortCase> SortCases() {
  return {
      {{Op::kNone, "", ""}, {"a", "b", "ba", "bb", "c", "d"}},
      {{Op::kEq, "b", ""}, {"b"}},
      {{Op::kEq, "zz", ""}, {}},
      {{Op::kLess, "b", ""}, {"a"}},
      {{Op::kLessEq, "b", ""}, {"a", "b"}},
      {{Op::kGreater, "b", ""}, {"ba", "bb", "c", "d"}},
      {{Op::kGreaterEq, "bb", ""}, {"bb", "c", "d"}},
      {{Op::kBetween, "b", "c"}, {"b", "ba", "bb", "c"}},
      {{Op::kBetween, "b", "b"}, {"b"}},
      {{Op::kBeginsWith, "b", ""}, {"b", "ba", "bb"}},
      {{Op::kBeginsWith, "bb", ""}, {"bb"}},
      {{Op::kBeginsWith, "e", ""}, {}},
  };
}

TEST_P(StoreConformance, QueryEverySortConditionBothDirections) {
  for (std::string sk : {"a", "b", "ba", "bb", "c", "d"}) {
    Put(Thing("P", sk, {{"owner", "o"}, {"rank", sk}}));
    Put(Thing("Q" + sk, "x", {{"owner", "o2"}, {"rank", sk}}));  // same ranks in another index partition
  }
  Put(Thing("PP", "b"));  // a neighbouring partition key
  for (const auto& c : SortCases()) {
    for (bool forward : {true, false}) {
      std::vector<std::string> want = c.expected;
      if (!forward) std::reverse(want.begin(), want.end());
      SCOPED_TRACE("op " + std::to_string(int(c.cond.op)) + " " + c.cond.value +
                   (forward ? " fwd" : " back"));
      for (int limit : {0, 2}) {
        QueryRequest q{.table = kThings, .pk = "P", .sk = c.cond, .forward = forward, .limit = limit};
        EXPECT_EQ(Strings(QueryAll(store(), q), "s"), want);
        QueryRequest g{.table = kThings,
                       .index = "by-owner",
                       .pk = "o",
                       .sk = c.cond,
                       .forward = forward,
                       .limit = limit};
        EXPECT_EQ(Strings(QueryAll(store(), g), "rank"), want);
      }
    }
  }
}

TEST_P(StoreConformance, PageTokensRoundTrip) {
  for (int i = 0; i < 20; ++i) {
    char sk[8];
    snprintf(sk, sizeof sk, "k%02d", i);
    // GSI ranks repeat, so ties are ordered by the table key.
    Put(Thing(i % 2 ? "x" : "y", sk, {{"owner", "o"}, {"rank", "r" + std::to_string(i % 4)}}));
    Put(Thing("pg", sk, {{"n", i}}));
  }
  std::vector<QueryRequest> queries = {
      {.table = kThings, .pk = "pg"},
      {.table = kThings, .pk = "pg", .sk = {Op::kBetween, "k03", "k15"}},
      {.table = kThings, .pk = "pg", .sk = {Op::kGreater, "k05"}},
      {.table = kThings, .index = "by-owner", .pk = "o"},
      {.table = kThings, .index = "by-owner", .pk = "o", .sk = {Op::kBetween, "r1", "r2"}},
      {.table = kThings, .index = "by-owner", .pk = "o", .sk = {Op::kGreater, "r1"}},
  };
  for (QueryRequest q : queries) {
    for (bool forward : {true, false}) {
      q.forward = forward;
      q.limit = 0;
      std::vector<Item> full = QueryAll(store(), q);
      ASSERT_FALSE(full.empty());
      for (int limit : {1, 3, 7}) {
        SCOPED_TRACE(q.index + " op " + std::to_string(int(q.sk.op)) + " limit " + std::to_string(limit) +
                     (forward ? " fwd" : " back"));
        q.limit = limit;
        int pages = 0;
        EXPECT_EQ(QueryAll(store(), q, &pages), full);
        int needed = static_cast<int>((full.size() + limit - 1) / limit);
        EXPECT_GE(pages, needed);
        EXPECT_LE(pages, needed + 1);
      }
    }
  }
  // The GSI order: rank, then table key.
  auto by_owner = QueryAll(store(), {.table = kThings, .index = "by-owner", .pk = "o"});
  ASSERT_EQ(by_owner.size(), 20u);
  if (const std::string* why = Lacks(kGsiTieOrder)) {
    for (size_t i = 1; i < by_owner.size(); ++i) EXPECT_LE(by_owner[i - 1]["rank"], by_owner[i]["rank"]);
    NoteDifference("order of ties: " + *why);
    return;
  }
  EXPECT_EQ(by_owner[0]["rank"], "r0");
  EXPECT_EQ(by_owner[0]["p"], "y");
  EXPECT_EQ(by_owner[0]["s"], "k00");
  EXPECT_EQ(by_owner[1]["s"], "k04");
  for (size_t i = 1; i < by_owner.size(); ++i) {
    auto key = [](const Item& x) {
      return std::tuple(x["rank"].get<std::string>(), x["p"].get<std::string>(), x["s"].get<std::string>());
    };
    EXPECT_LT(key(by_owner[i - 1]), key(by_owner[i]));
  }
}

TEST_P(StoreConformance, ForeignOrMalformedPageTokensAreInvalidArgument) {
  for (int i = 0; i < 3; ++i) Put(Thing("a", std::to_string(i), {{"owner", "o"}, {"rank", "1"}}));
  auto page = store().Query({.table = kThings, .pk = "a", .limit = 1});
  ASSERT_TRUE(page.ok());
  ASSERT_FALSE(page->next_page_token.empty());
  auto invalid = [&](QueryRequest q) {
    auto r = store().Query(q);
    EXPECT_EQ(r.status().code(), Code::kInvalidArgument) << q.page_token << " " << r.status().ToString();
  };
  invalid({.table = kThings, .pk = "a", .page_token = "not a token!"});
  invalid({.table = kThings, .pk = "a", .page_token = crypto::Base64UrlEncode("{\"v\":1}")});
  invalid({.table = kThings, .pk = "a", .page_token = crypto::Base64UrlEncode("[1,2")});
  invalid({.table = kThings, .pk = "b", .page_token = page->next_page_token});  // another partition
  invalid({.table = kThings,
           .index = "by-owner",
           .pk = "a",
           .page_token = page->next_page_token});  // another index
  auto scan = store().Scan({.table = kThings, .page_token = page->next_page_token});
  EXPECT_EQ(scan.status().code(), Code::kInvalidArgument);
  auto scan_page = store().Scan({.table = kThings, .limit = 1});
  ASSERT_TRUE(scan_page.ok());
  invalid({.table = kThings, .pk = "a", .page_token = scan_page->next_page_token});
  auto ok = store().Query({.table = kThings, .pk = "a", .limit = 1, .page_token = page->next_page_token});
  ASSERT_TRUE(ok.ok()) << ok.status().ToString();
  EXPECT_EQ(Strings(ok->items, "s"), std::vector<std::string>{"1"});
}

TEST_P(StoreConformance, BadQueriesAreInvalidArgument) {
  auto invalid = [&](QueryRequest q) {
    auto r = store().Query(q);
    EXPECT_EQ(r.status().code(), Code::kInvalidArgument) << r.status().ToString();
  };
  invalid({.table = kThings, .index = "no-such-index", .pk = "a"});
  invalid({.table = kThings, .index = "by-tag", .pk = "a", .sk = {Op::kEq, "x"}});  // index has no sort key
  invalid({.table = kSingles, .pk = "a", .sk = {Op::kEq, "x"}});                    // table has no sort key
  invalid({.table = kThings, .index = "by-owner", .pk = "a", .consistent = true});
  invalid({.table = kThings, .pk = "a", .limit = -1});
  invalid({.table = kThings, .pk = "a", .sk = {Op::kBetween, "z", "a"}});
  invalid({.table = kThings, .pk = ""});
}

TEST_P(StoreConformance, FilterAppliesAfterTheLimit) {
  for (int i = 0; i < 10; ++i) Put(Thing("f", "k" + std::to_string(i), {{"even", i % 2 == 0}}));
  QueryRequest q{.table = kThings, .pk = "f", .limit = 4, .filter = Condition().Equals("even", true)};
  auto first = store().Query(q);
  ASSERT_TRUE(first.ok());
  EXPECT_EQ(Strings(first->items, "s"), (std::vector<std::string>{"k0", "k2"}));  // 4 read, 2 kept
  EXPECT_FALSE(first->next_page_token.empty());
  EXPECT_EQ(Strings(QueryAll(store(), q), "s"), (std::vector<std::string>{"k0", "k2", "k4", "k6", "k8"}));
  ScanRequest s{.table = kThings, .limit = 3, .filter = Condition().Equals("even", false)};
  EXPECT_EQ(ScanAll(store(), s).size(), 5u);
}

TEST_P(StoreConformance, PagesStopAtOneMegabyte) {
  std::string blob(300 * 1024, 'b');
  for (int i = 0; i < 5; ++i) {
    Put(Thing("big", "k" + std::to_string(i), {{"blob", blob}, {"owner", "o"}, {"rank", "r"}}));
  }
  for (QueryRequest q : {QueryRequest{.table = kThings, .pk = "big"},
                         QueryRequest{.table = kThings, .index = "by-owner", .pk = "o", .forward = false}}) {
    auto page = store().Query(q);
    ASSERT_TRUE(page.ok());
    EXPECT_EQ(page->items.size(), 3u);  // a fourth would pass 1 MB
    EXPECT_FALSE(page->next_page_token.empty());
    int pages = 0;
    EXPECT_EQ(QueryAll(store(), q, &pages).size(), 5u);
    EXPECT_EQ(pages, 2);
  }
  auto scan = store().Scan({.table = kThings});
  ASSERT_TRUE(scan.ok());
  EXPECT_EQ(scan->items.size(), 3u);
  EXPECT_EQ(ScanAll(store(), {.table = kThings}).size(), 5u);
}

TEST_P(StoreConformance, GsiIsSparseAndFollowsUpdates) {
  if (const std::string* why = Lacks(kNonStringIndexKeys)) {
    // Such an item is refused, naming the attribute, and nothing is written.
    for (Item bad : {Thing("a", "3", {{"owner", 7}, {"rank", "1"}}), Thing("a", "4", {{"owner", "o"}, {"rank", 1}}),
                     Thing("a", "5", {{"owner", ""}, {"rank", "1"}})}) {
      Status s = store().PutItem({kThings, bad, {}});
      EXPECT_EQ(s.code(), Code::kInvalidArgument) << s.ToString();
      EXPECT_THAT(s.message(), ::testing::HasSubstr("by-owner"));
    }
    EXPECT_TRUE(QueryAll(store(), {.table = kThings, .pk = "a"}).empty());
    NoteDifference(*why);
    return;
  }
  Put(Thing("a", "1", {{"owner", "o"}, {"rank", "2"}, {"tag", "t"}}));
  Put(Thing("a", "2", {{"owner", "o"}}));                             // no rank: not in by-owner
  Put(Thing("a", "3", {{"owner", 7}, {"rank", "1"}}));                // owner not a string
  Put(Thing("a", "4", {{"owner", "o"}, {"rank", 1}, {"tag", "t"}}));  // rank not a string
  Put(Thing("a", "5", {{"owner", ""}, {"rank", "1"}}));               // empty
  Put(Thing("b", "1", {{"owner", "o"}, {"rank", "1"}, {"tag", "t"}}));
  QueryRequest q{.table = kThings, .index = "by-owner", .pk = "o"};
  EXPECT_EQ(Strings(QueryAll(store(), q), "rank"), (std::vector<std::string>{"1", "2"}));
  // An index without a sort key is ordered by the table key.
  QueryRequest tags{.table = kThings, .index = "by-tag", .pk = "t"};
  auto t = QueryAll(store(), tags);
  ASSERT_EQ(t.size(), 3u);
  EXPECT_EQ(Strings(t, "s"), (std::vector<std::string>{"1", "4", "1"}));
  EXPECT_EQ(t[2]["p"], "b");
  // Updates move items in and out of the index.
  ASSERT_TRUE(store().UpdateItem(UpdateRequest{kThings, K("a", "2"), {}, {}}.Set("rank", "0")).ok());
  ASSERT_TRUE(store().UpdateItem(UpdateRequest{kThings, K("a", "1"), {}, {}}.Remove("owner")).ok());
  ASSERT_TRUE(store().UpdateItem(UpdateRequest{kThings, K("b", "1"), {}, {}}.Set("owner", "p")).ok());
  EXPECT_EQ(Strings(QueryAll(store(), q), "s"), (std::vector<std::string>{"2"}));
  EXPECT_EQ(QueryAll(store(), {.table = kThings, .index = "by-owner", .pk = "p"}).size(), 1u);
  ASSERT_TRUE(store().DeleteItem({kThings, K("a", "2"), {}}).ok());
  EXPECT_TRUE(QueryAll(store(), q).empty());
  // A table without a sort key.
  Put({{"id", "u2"}, {"email", "x@y"}}, kSingles);
  Put({{"id", "u1"}, {"email", "x@y"}}, kSingles);
  Put({{"id", "u3"}}, kSingles);
  EXPECT_EQ(Strings(QueryAll(store(), {.table = kSingles, .index = "by-email", .pk = "x@y"}), "id"),
            (std::vector<std::string>{"u1", "u2"}));
  EXPECT_EQ(Strings(QueryAll(store(), {.table = kSingles, .pk = "u3"}), "id"),
            std::vector<std::string>{"u3"});
}

TEST_P(StoreConformance, ScanPagesThroughEveryItemInKeyOrder) {
  std::vector<Item> all;
  for (int i = 0; i < 40; ++i) {
    Item item = Thing("p" + std::to_string(i % 5), "s" + std::to_string(i), {{"i", i}});
    Put(item);
    all.push_back(item);
  }
  auto key = [](const Item& x) { return std::pair(x["p"].get<std::string>(), x["s"].get<std::string>()); };
  auto by_key = [&](std::vector<Item> v) {
    std::sort(v.begin(), v.end(), [&](const Item& a, const Item& b) { return key(a) < key(b); });
    return v;
  };
  all = by_key(all);
  // Without key order, every item exactly once is what is left to check.
  auto order = [&](std::vector<Item> v) { return Lacks(kScanKeyOrder) ? by_key(std::move(v)) : v; };
  EXPECT_EQ(order(ScanAll(store(), {.table = kThings})), all);
  for (int limit : {1, 7}) {
    int pages = 0;
    EXPECT_EQ(order(ScanAll(store(), {.table = kThings, .limit = limit}, &pages)), all);
    EXPECT_LE(pages, static_cast<int>(all.size()) / limit + 1);
  }
  EXPECT_TRUE(ScanAll(store(), {.table = kSingles}).empty());
}

}  // namespace
}  // namespace aw::store::testing
