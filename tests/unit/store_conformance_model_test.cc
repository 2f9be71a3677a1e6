// Store conformance, part 3: seeded random operation sequences applied to the
// backend under test and to a fresh MemoryStore (the reference model); every
// result and the final contents must agree.

// Requests are written with designated initializers; GCC 12 warns about the
// fields they leave to their defaults, which is the point of them.
#pragma GCC diagnostic ignored "-Wmissing-field-initializers"

#include <algorithm>
#include <random>

#include "store/memory/memory_store.h"
#include "store_conformance.h"

namespace aw::store::testing {
namespace {

using Op = SortCondition::Op;

class RandomOps {
 public:
  explicit RandomOps(uint32_t seed) : rng_(seed) {}
  int Below(int n) { return static_cast<int>(rng_() % static_cast<uint32_t>(n)); }
  bool Chance(int percent) { return Below(100) < percent; }
  std::string Pick(const std::vector<std::string>& v) { return v[Below(static_cast<int>(v.size()))]; }

  std::string Pk() { return Pick({"a", "b", "c"}); }
  std::string Sk() { return std::to_string(Below(8)); }
  Key AKey() { return K(Pk(), Sk()); }

  Item RandomItem(const Key& key, int64_t now) {
    Item item = Thing(key.pk, *key.sk);
    if (Chance(70)) item["owner"] = Pick({"o1", "o2"});
    if (Chance(70)) item["rank"] = Pick({"r1", "r2", "r3", "r11"});
    if (Chance(30)) item["tag"] = Pick({"t", "u"});
    if (Chance(50)) item["version"] = Below(3);
    if (Chance(40)) item["n"] = Below(10) - 3;
    if (Chance(20)) item["ttl"] = now + Below(60);
    return item;
  }

  Condition RandomCondition() {
    switch (Below(7)) {
      case 0:
        return Condition::ItemNotExists("p");
      case 1:
        return Condition::ItemExists("p");
      case 2:
        return Condition().Equals("version", Below(3));
      case 3:
        return Condition().Greater("n", Below(6) - 3);
      case 4:
        return Condition().NotEquals("owner", "o1");
      case 5:
        return Condition().LessEq("rank", Pick({"r1", "r2"})).Exists("owner");
      default:
        return Condition();
    }
  }

  UpdateRequest RandomUpdate(const Key& key, int64_t now) {
    UpdateRequest u{kThings, key, {}, Chance(50) ? RandomCondition() : Condition()};
    std::vector<std::string> attrs = {"owner", "rank", "tag", "n", "log", "version", "ttl", "x"};
    std::shuffle(attrs.begin(), attrs.end(), rng_);
    int n = 1 + Below(3);
    for (int i = 0; i < n; ++i) {
      const std::string& a = attrs[i];
      if (a == "n" || a == "version") {
        if (Chance(80)) {
          u.Add(a, Below(5) - 1);
        } else {
          u.Set(a, "text");  // a later ADD to it fails
        }
      } else if (a == "log") {
        if (Chance(80)) {
          u.Append(a, {Below(100)});
        } else {
          u.Set(a, 5);
        }
      } else if (a == "ttl") {
        if (Chance(70)) {
          u.Set(a, now + Below(60));
        } else {
          u.Remove(a);
        }
      } else if (Chance(25)) {
        u.Remove(a);
      } else if (Chance(25)) {
        u.SetIfNotExists(a, Pick({"o1", "r2", "t"}));
      } else {
        u.Set(a, a == "owner"  ? Pick({"o1", "o2"})
                 : a == "rank" ? Pick({"r1", "r2", "r3"})
                               : Pick({"t", "u"}));
      }
    }
    return u;
  }

  QueryRequest RandomQuery() {
    QueryRequest q{.table = kThings};
    int kind = Below(3);
    std::vector<std::string> values;
    if (kind == 0) {
      q.pk = Pk();
      values = {"0", "3", "5", "7", "9"};
    } else if (kind == 1) {
      q.index = "by-owner";
      q.pk = Pick({"o1", "o2"});
      values = {"r", "r1", "r2", "r3"};
    } else {
      q.index = "by-tag";
      q.pk = Pick({"t", "u"});
    }
    if (kind != 2 && Chance(60)) {
      q.sk.op = static_cast<Op>(1 + Below(7));
      q.sk.value = Pick(values);
      q.sk.value2 = Pick(values);
      if (q.sk.op == Op::kBetween && q.sk.value2 < q.sk.value) std::swap(q.sk.value, q.sk.value2);
    }
    q.forward = Chance(50);
    q.limit = Below(5);
    if (Chance(20)) q.filter = Condition().Exists("tag");
    return q;
  }

  std::mt19937& rng() { return rng_; }

 private:
  std::mt19937 rng_;
};

std::string Show(const Status& s) { return s.ToString(); }

void ExpectSameStatus(const Status& got, const Status& want, const std::string& what) {
  ASSERT_EQ(got.code(), want.code()) << what << "\n  backend: " << Show(got) << "\n  model:   " << Show(want);
}

// Same status code; on success the same value.
template <typename T>
void ExpectSame(const Result<T>& got, const Result<T>& want, const std::string& what) {
  ExpectSameStatus(got.status(), want.status(), what);
  if (got.ok()) {
    ASSERT_EQ(*got, *want) << what;
  }
}

void ExpectSameQuery(Store& backend, Store& model, QueryRequest q, const std::string& what) {
  QueryRequest mq = q;
  for (int page = 0; page < 100; ++page) {
    auto got = backend.Query(q);
    auto want = model.Query(mq);
    std::string where = what + " page " + std::to_string(page);
    ExpectSameStatus(got.status(), want.status(), where);
    if (!got.ok()) return;
    ASSERT_EQ(got->items, want->items) << where;
    ASSERT_EQ(got->next_page_token.empty(), want->next_page_token.empty()) << where;
    if (got->next_page_token.empty()) return;
    q.page_token = got->next_page_token;
    mq.page_token = want->next_page_token;
  }
}

std::vector<Item> Sorted(std::vector<Item> items) {
  std::sort(items.begin(), items.end(), [](const Item& a, const Item& b) { return a.dump() < b.dump(); });
  return items;
}

// For backends whose GSI ties come in their own order: the same items, in
// the same order of index sort key, every one once (pages may differ).
void ExpectSameQueryUpToTies(Store& backend, Store& model, QueryRequest q, const std::string& what) {
  std::vector<Item> got, want;
  for (auto [store, out] : {std::pair<Store*, std::vector<Item>*>{&backend, &got}, {&model, &want}}) {
    QueryRequest pq = q;
    for (int page = 0; page < 1000; ++page) {
      auto r = store->Query(pq);
      ASSERT_TRUE(r.ok()) << what << ": " << r.status().ToString();
      if (pq.limit > 0) {
        ASSERT_LE(r->items.size(), static_cast<size_t>(pq.limit)) << what;
      }
      out->insert(out->end(), r->items.begin(), r->items.end());
      if (r->next_page_token.empty()) break;
      pq.page_token = r->next_page_token;
    }
  }
  const TableSpec* spec = model.FindTable(q.table);
  const IndexSpec* index = spec->FindIndex(q.index);
  auto index_sk = [&](const std::vector<Item>& v) {
    std::vector<std::string> out;
    for (const auto& i : v) out.push_back(index->sk ? i.at(*index->sk).get<std::string>() : "");
    return out;
  };
  ASSERT_EQ(index_sk(got), index_sk(want)) << what;
  ASSERT_EQ(Sorted(got), Sorted(want)) << what;
}

TEST_P(StoreConformance, RandomOperationsMatchTheMemoryModel) {
  FakeClock model_clock(clock_.NowMicros());
  MemoryStore model(&model_clock);
  ASSERT_TRUE(model.CreateTable(ThingsSpec()).ok());
  RandomOps r(20240601);
  constexpr int kOps = 2500;
  int failures_expected = 0;
  for (int i = 0; i < kOps; ++i) {
    int64_t now = Now();
    std::string what = "op #" + std::to_string(i);
    switch (r.Below(14)) {
      case 0:
      case 1:
      case 2: {
        PutRequest put{kThings, r.RandomItem(r.AKey(), now),
                       r.Chance(40) ? r.RandomCondition() : Condition()};
        what += " put " + put.item.dump();
        ExpectSameStatus(store().PutItem(put), model.PutItem(put), what);
        break;
      }
      case 3:
      case 4:
      case 5: {
        UpdateRequest u = r.RandomUpdate(r.AKey(), now);
        what += " update " + u.key.pk + "/" + *u.key.sk;
        auto got = store().UpdateItem(u);
        failures_expected += got.ok() ? 0 : 1;
        ExpectSame(got, model.UpdateItem(u), what);
        break;
      }
      case 6: {
        DeleteRequest d{kThings, r.AKey(), r.Chance(50) ? r.RandomCondition() : Condition()};
        what += " delete " + d.key.pk + "/" + *d.key.sk;
        ExpectSameStatus(store().DeleteItem(d), model.DeleteItem(d), what);
        break;
      }
      case 7:
      case 8: {
        GetRequest g{kThings, r.AKey()};
        what += " get " + g.key.pk + "/" + *g.key.sk;
        ExpectSame(store().GetItem(g), model.GetItem(g), what);
        break;
      }
      case 9:
      case 10: {
        QueryRequest q = r.RandomQuery();
        what += " query " + q.index + " " + q.pk + " op " + std::to_string(int(q.sk.op)) + " " + q.sk.value +
                " limit " + std::to_string(q.limit);
        if (!q.index.empty() && Lacks(kGsiTieOrder)) {
          ExpectSameQueryUpToTies(store(), model, q, what);
          break;
        }
        ExpectSameQuery(store(), model, q, what);
        break;
      }
      case 11: {
        WriteBatch b{kThings, {}, {}};
        for (int n = r.Below(5); n > 0; --n) b.puts.push_back(r.RandomItem(r.AKey(), now));
        for (int n = r.Below(3); n > 0; --n) b.deletes.push_back(r.AKey());
        ExpectSameStatus(store().BatchWriteItem(b), model.BatchWriteItem(b), what + " batch write");
        break;
      }
      case 12: {
        std::vector<Key> keys;
        for (int n = 1 + r.Below(5); n > 0; --n) keys.push_back(r.AKey());
        auto got = store().BatchGetItem(kThings, keys);
        auto want = model.BatchGetItem(kThings, keys);
        ExpectSameStatus(got.status(), want.status(), what + " batch get");
        if (got.ok()) {
          ASSERT_EQ(Sorted(*got), Sorted(*want)) << what;
        }
        break;
      }
      default: {
        auto step = std::chrono::seconds(r.Below(20));
        clock_.Advance(step);
        model_clock.Advance(step);
        break;
      }
    }
    if (HasFatalFailure()) return;
  }
  EXPECT_GT(failures_expected, 0);  // the sequence does exercise failing updates
  auto got = ScanAll(store(), {.table = kThings});
  auto want = ScanAll(model, {.table = kThings});
  if (Lacks(kScanKeyOrder)) {
    got = Sorted(got);
    want = Sorted(want);
  }
  EXPECT_EQ(got, want);
  EXPECT_GT(want.size(), 5u);
}

}  // namespace
}  // namespace aw::store::testing
