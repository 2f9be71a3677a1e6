// RocksStore: GetItem, BatchGetItem, Query, Scan, straight on RocksDB from
// the calling thread.
//
// A Query is one range scan over its partition's keys (rocks_keys.h): it
// seeks to the page's first key (the sort-key bound or the page token,
// whichever is tighter) and stops at the page's limit, so a page costs
// O(log n + page) whatever the partition size. A GSI page reads its items by
// key from the same snapshot as its index entries.

#include <rocksdb/db.h>

#include <set>

#include "store/item_ops.h"
#include "store/rocksdb/rocks_keys.h"
#include "store/rocksdb/rocks_store.h"
#include "store/rocksdb/rocks_writer.h"

namespace aw::store {

using rocks::RTable;

namespace {

// Where a walk resumes: strictly after (forward) / before (backward) `key`.
struct Walk {
  const std::string& prefix;  // the partition's keys all start with it
  const SkRange& range;       // on the first component after the prefix
  bool forward;
  std::optional<std::string> resume;
};

// Visits the keys of `w` in order; `visit(iterator, first component, rest of
// the key)` returns false to stop. Returns whether it stopped early.
template <typename Visit>
Result<bool> RunWalk(rocksdb::DB& db, const rocksdb::Snapshot* snap, const Walk& w, const Visit& visit) {
  const std::string end = rocks::PrefixEnd(w.prefix);
  rocksdb::Slice lower(w.prefix), upper(end);
  rocksdb::ReadOptions ro;
  ro.snapshot = snap;
  ro.iterate_lower_bound = &lower;
  ro.iterate_upper_bound = &upper;
  std::unique_ptr<rocksdb::Iterator> it(db.NewIterator(ro));
  const SkRange& r = w.range;
  if (w.forward) {
    std::string seek = w.prefix;
    if (r.lo) rocks::AppendEscaped(seek, *r.lo);
    if (w.resume && *w.resume > seek) seek = *w.resume;
    it->Seek(seek);
  } else {
    std::string target = r.hi ? rocks::AfterComponent(w.prefix, *r.hi) : end;
    if (w.resume && *w.resume < target) target = *w.resume;
    if (target == end) {
      it->SeekToLast();
    } else {
      it->SeekForPrev(target);
    }
  }
  for (; it->Valid(); w.forward ? it->Next() : it->Prev()) {
    std::string_view key(it->key().data(), it->key().size());
    if (w.resume && (w.forward ? key <= *w.resume : key >= *w.resume)) continue;
    std::string_view rest = key.substr(w.prefix.size());
    auto first = rocks::ReadEscaped(rest);
    if (!first) return Status::Internal("malformed key in the RocksDB store");
    if (w.forward && r.hi && (*first > *r.hi || (*first == *r.hi && !r.hi_inclusive))) return false;
    if (!w.forward && r.lo && (*first < *r.lo || (*first == *r.lo && !r.lo_inclusive))) return false;
    if (!r.Contains(*first)) continue;  // an exclusive bound's own value
    if (!visit(*it, *first, rest)) return true;
  }
  if (auto s = rocks::FromRocks(it->status(), "cannot read the RocksDB store"); !s.ok()) return s;
  return false;
}

Result<Item> ParseItem(const rocksdb::Slice& text, const std::string& table) {
  Item item = Item::parse(std::string_view(text.data(), text.size()), nullptr, false);
  if (item.is_discarded()) return Status::Internal("stored item of " + table + " is not valid JSON");
  return item;
}

}  // namespace

Result<Item> RocksStore::GetItem(const GetRequest& req) {
  auto t = Lookup(req.table);
  if (!t.ok()) return t.status();
  if (auto s = ValidateKey((*t)->spec, req.key); !s.ok()) return s;
  rocksdb::PinnableSlice value;
  rocksdb::Status s = db_->Get(rocksdb::ReadOptions(), db_->DefaultColumnFamily(),
                               rocks::ItemKey((*t)->id, req.key.pk, req.key.sk.value_or("")), &value);
  if (s.IsNotFound()) return Status::NotFound("no such item in table " + req.table);
  if (!s.ok()) return rocks::FromRocks(s, "cannot read " + req.table);
  auto item = ParseItem(value, req.table);
  if (item.ok() && IsExpired((*t)->spec, *item, clock_->NowSeconds())) {
    return Status::NotFound("no such item in table " + req.table);
  }
  return item;
}

Result<std::vector<Item>> RocksStore::BatchGetItem(const std::string& table, const std::vector<Key>& keys) {
  auto t = Lookup(table);
  if (!t.ok()) return t.status();
  for (const auto& k : keys) {
    if (auto s = ValidateKey((*t)->spec, k); !s.ok()) return s;
  }
  rocksdb::ManagedSnapshot snap(db_.get());
  rocksdb::ReadOptions ro;
  ro.snapshot = snap.snapshot();
  const int64_t now = clock_->NowSeconds();
  std::set<std::pair<std::string, std::string>> seen;
  std::vector<Item> out;
  for (const auto& k : keys) {
    std::string sk = k.sk.value_or("");
    if (!seen.emplace(k.pk, sk).second) continue;
    rocksdb::PinnableSlice value;
    rocksdb::Status s = db_->Get(ro, db_->DefaultColumnFamily(), rocks::ItemKey((*t)->id, k.pk, sk), &value);
    if (s.IsNotFound()) continue;
    if (!s.ok()) return rocks::FromRocks(s, "cannot read " + table);
    auto item = ParseItem(value, table);
    if (!item.ok()) return item.status();
    if (!IsExpired((*t)->spec, *item, now)) out.push_back(std::move(*item));
  }
  return out;
}

Result<QueryResult> RocksStore::Query(const QueryRequest& req) {
  queries_.fetch_add(1, std::memory_order_relaxed);
  auto found = Lookup(req.table);
  if (!found.ok()) return found.status();
  const RTable& t = **found;
  const TableSpec& spec = t.spec;
  auto rq = ResolveQuery(spec, req);
  if (!rq.ok()) return rq.status();
  const int64_t now = clock_->NowSeconds();
  rocksdb::ManagedSnapshot snap(db_.get());
  PageBuilder page(req.limit, req.filter);
  PageToken last;
  Result<bool> more = false;
  Status failed;
  // Takes one stored item (its text) at table key (pk, sk) and, on a GSI,
  // index sort key `isk`; false: page full.
  auto take = [&](const rocksdb::Slice& text, const std::string& pk, const std::string& sk,
                  const std::string* isk) {
    auto item = ParseItem(text, spec.name);
    if (!item.ok()) {
      failed = item.status();
      return false;
    }
    if (IsExpired(spec, *item, now)) return true;
    if (!page.Fits(text.size())) return false;
    page.Take(std::move(*item), text.size());
    last.key = Key{pk, spec.sk ? std::optional(sk) : std::nullopt};
    if (rq->index != nullptr) {
      last.index_pk = req.pk;
      if (rq->index->sk) last.index_sk = *isk;
    }
    return true;
  };
  if (rq->index == nullptr) {
    std::string prefix = rocks::PartitionPrefix(rocks::kItemTag, t.id, req.pk);
    Walk w{prefix, rq->range, req.forward, std::nullopt};
    if (rq->start) w.resume = rocks::ItemKey(t.id, req.pk, rq->start->key.sk.value_or(""));
    more = RunWalk(*db_, snap.snapshot(), w,
                   [&](rocksdb::Iterator& it, const std::string& sk, std::string_view) {
                     return take(it.value(), req.pk, sk, nullptr);
                   });
  } else {
    const size_t pos = rq->index - spec.indexes.data();
    const uint32_t iid = t.index_ids[pos];
    std::string prefix = rocks::PartitionPrefix(rocks::kIndexTag, iid, req.pk);
    Walk w{prefix, rq->range, req.forward, std::nullopt};
    if (rq->start) {
      w.resume = rocks::IndexEntryKey(iid, req.pk, rq->start->index_sk.value_or(""), rq->start->key.pk,
                                      rq->start->key.sk.value_or(""));
    }
    rocksdb::ReadOptions ro;
    ro.snapshot = snap.snapshot();
    more = RunWalk(*db_, snap.snapshot(), w,
                   [&](rocksdb::Iterator&, const std::string& isk, std::string_view rest) {
                     auto pk = rocks::ReadEscaped(rest);
                     auto sk = rocks::ReadEscaped(rest);
                     if (!pk || !sk) {
                       failed = Status::Internal("malformed index entry of " + spec.name);
                       return false;
                     }
                     rocksdb::PinnableSlice value;
                     rocksdb::Status s =
                         db_->Get(ro, db_->DefaultColumnFamily(), rocks::ItemKey(t.id, *pk, *sk), &value);
                     if (s.IsNotFound()) return true;  // cannot happen: entries are written with their item
                     if (!s.ok()) {
                       failed = rocks::FromRocks(s, "cannot read " + spec.name);
                       return false;
                     }
                     return take(value, *pk, *sk, &isk);
                   });
  }
  if (!more.ok()) return more.status();
  if (!failed.ok()) return failed;
  QueryResult result;
  result.items = page.TakeItems();
  if (*more) {
    last.table = spec.name;
    last.index = req.index;
    result.next_page_token = EncodePageToken(last);
  }
  return result;
}

Result<QueryResult> RocksStore::Scan(const ScanRequest& req) {
  scans_.fetch_add(1, std::memory_order_relaxed);
  auto found = Lookup(req.table);
  if (!found.ok()) return found.status();
  const RTable& t = **found;
  auto start = ResolveScan(t.spec, req);
  if (!start.ok()) return start.status();
  const int64_t now = clock_->NowSeconds();
  std::string prefix = rocks::IdPrefix(rocks::kItemTag, t.id);
  SkRange all;
  Walk w{prefix, all, /*forward=*/true, std::nullopt};
  if (*start) w.resume = rocks::ItemKey(t.id, (*start)->key.pk, (*start)->key.sk.value_or(""));
  PageBuilder page(req.limit, req.filter);
  PageToken last;
  last.scan = true;
  Status failed;
  rocksdb::ManagedSnapshot snap(db_.get());
  auto more = RunWalk(*db_, snap.snapshot(), w,
                      [&](rocksdb::Iterator& it, const std::string& pk, std::string_view rest) {
                        auto sk = rocks::ReadEscaped(rest);
                        auto item = ParseItem(it.value(), t.spec.name);
                        if (!sk || !item.ok()) {
                          failed = Status::Internal("malformed item of " + t.spec.name);
                          return false;
                        }
                        if (IsExpired(t.spec, *item, now)) return true;
                        if (!page.Fits(it.value().size())) return false;
                        page.Take(std::move(*item), it.value().size());
                        last.key = Key{pk, t.spec.sk ? std::optional(*sk) : std::nullopt};
                        return true;
                      });
  if (!more.ok()) return more.status();
  if (!failed.ok()) return failed;
  QueryResult result;
  result.items = page.TakeItems();
  if (*more) {
    last.table = t.spec.name;
    result.next_page_token = EncodePageToken(last);
  }
  return result;
}

}  // namespace aw::store
