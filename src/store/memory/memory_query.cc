// MemoryStore: Query and Scan.

#include "store/item_ops.h"
#include "store/memory/memory_store.h"

namespace aw::store {
namespace {

// Iterator bounds [first, last) over one partition of an ordered container
// whose keys start with (partition, sort key, ...). `make(sk)` builds the
// smallest key with that sort key in the partition; `next_part` the smallest
// key of the next partition.
template <typename C, typename Make>
std::pair<typename C::const_iterator, typename C::const_iterator> RangeBounds(
    const C& c, const SkRange& r, const Make& make, const typename C::key_type& next_part) {
  const std::string nul(1, '\0');
  // Strings above s are those >= s + "\0".
  auto first = r.lo ? c.lower_bound(make(r.lo_inclusive ? *r.lo : *r.lo + nul)) : c.lower_bound(make(""));
  auto last = r.hi ? c.lower_bound(make(r.hi_inclusive ? *r.hi + nul : *r.hi)) : c.lower_bound(next_part);
  return {first, last};
}

// Whether position a is at or after position b (both of container c).
template <typename K>
bool KeyAtOrAfter(const std::set<K>& c, typename std::set<K>::const_iterator a,
                  typename std::set<K>::const_iterator b) {
  if (a == c.end()) return true;
  if (b == c.end()) return false;
  return !(*a < *b);
}

template <typename K, typename V>
bool KeyAtOrAfter(const std::map<K, V>& c, typename std::map<K, V>::const_iterator a,
                  typename std::map<K, V>::const_iterator b) {
  if (a == c.end()) return true;
  if (b == c.end()) return false;
  return !(a->first < b->first);
}

// Applies the resume point and direction, then walks [first, last) feeding
// `visit(it)`, which returns false to stop. Returns whether it stopped early.
template <typename C, typename Visit>
bool Walk(const C& c, typename C::const_iterator first, typename C::const_iterator last, bool forward,
          const Visit& visit) {
  if (KeyAtOrAfter(c, first, last)) return false;
  if (forward) {
    for (auto it = first; it != last; ++it) {
      if (!visit(it)) return true;
    }
  } else {
    for (auto it = last; it != first;) {
      --it;
      if (!visit(it)) return true;
    }
  }
  return false;
}

}  // namespace

Result<QueryResult> MemoryStore::Query(const QueryRequest& req) {
  std::lock_guard lock(mu_);
  auto found = FindLocked(req.table);
  if (!found.ok()) return found.status();
  const Table& t = **found;
  const TableSpec& spec = *t.spec;
  auto rq = ResolveQuery(spec, req);
  if (!rq.ok()) return rq.status();
  const std::string nul(1, '\0');
  PageBuilder page(req.limit, req.filter);
  PageToken last_seen;
  auto take = [&](const Row& row, PageToken pos) {
    if (!page.Fits(row.bytes)) return false;
    page.Take(row.item, row.bytes);
    last_seen = std::move(pos);
    return true;
  };
  bool more = false;
  if (rq->index == nullptr) {
    auto make = [&](const std::string& sk) { return RowKey{req.pk, sk}; };
    auto [first, last] = RangeBounds(t.rows, rq->range, make, RowKey{req.pk + nul, ""});
    if (rq->start) {
      RowKey at{rq->start->key.pk, rq->start->key.sk.value_or("")};
      if (req.forward) {
        auto from = t.rows.upper_bound(at);
        if (KeyAtOrAfter(t.rows, from, first)) first = from;
      } else {
        auto to = t.rows.lower_bound(at);
        if (!KeyAtOrAfter(t.rows, to, last)) last = to;
      }
    }
    more = Walk(t.rows, first, last, req.forward, [&](auto it) {
      if (Expired(t, it->second.item)) return true;
      PageToken pos{spec.name, "",
                    Key{it->first.first, spec.sk ? std::optional(it->first.second) : std::nullopt},
                    std::nullopt, std::nullopt};
      return take(it->second, std::move(pos));
    });
  } else {
    size_t slot = rq->index - spec.indexes.data();
    const auto& idx = t.indexes[slot];
    auto make = [&](const std::string& sk) { return IndexEntry{req.pk, sk, "", ""}; };
    auto [first, last] = RangeBounds(idx, rq->range, make, IndexEntry{req.pk + nul, "", "", ""});
    if (rq->start) {
      IndexEntry at{*rq->start->index_pk, rq->start->index_sk.value_or(""), rq->start->key.pk,
                    rq->start->key.sk.value_or("")};
      if (req.forward) {
        auto from = idx.upper_bound(at);
        if (KeyAtOrAfter(idx, from, first)) first = from;
      } else {
        auto to = idx.lower_bound(at);
        if (!KeyAtOrAfter(idx, to, last)) last = to;
      }
    }
    bool has_isk = rq->index->sk.has_value();
    more = Walk(idx, first, last, req.forward, [&](auto it) {
      const auto& [ipk, isk, pk, sk] = *it;
      const Row& row = t.rows.at(RowKey{pk, sk});
      if (Expired(t, row.item)) return true;
      PageToken pos{spec.name, req.index, Key{pk, spec.sk ? std::optional(sk) : std::nullopt}, ipk,
                    has_isk ? std::optional(isk) : std::nullopt};
      return take(row, std::move(pos));
    });
  }
  QueryResult result;
  result.items = page.TakeItems();
  if (more) result.next_page_token = EncodePageToken(last_seen);
  return result;
}

Result<QueryResult> MemoryStore::Scan(const ScanRequest& req) {
  std::lock_guard lock(mu_);
  auto found = FindLocked(req.table);
  if (!found.ok()) return found.status();
  const Table& t = **found;
  const TableSpec& spec = *t.spec;
  auto start = ResolveScan(spec, req);
  if (!start.ok()) return start.status();
  auto it = t.rows.begin();
  if (*start) it = t.rows.upper_bound(RowKey{(*start)->key.pk, (*start)->key.sk.value_or("")});
  PageBuilder page(req.limit, req.filter);
  QueryResult result;
  const RowKey* last_seen = nullptr;
  for (; it != t.rows.end(); ++it) {
    const Row& row = it->second;
    if (Expired(t, row.item)) continue;
    if (!page.Fits(row.bytes)) {
      PageToken pos{spec.name,
                    "",
                    Key{last_seen->first, spec.sk ? std::optional(last_seen->second) : std::nullopt},
                    std::nullopt,
                    std::nullopt,
                    /*scan=*/true};
      result.next_page_token = EncodePageToken(pos);
      break;
    }
    page.Take(row.item, row.bytes);
    last_seen = &it->first;
  }
  result.items = page.TakeItems();
  return result;
}

}  // namespace aw::store
