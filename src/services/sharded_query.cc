#include "services/sharded_query.h"

#include <algorithm>
#include <iterator>

#include "base/errors.h"
#include "crypto/hash.h"

namespace aw::services {

using nlohmann::json;

namespace {

constexpr size_t kMaxKeyBytes = 256;
const std::string kAboveAll(1, '\xff');  // above every UTF-8 key

struct Part {
  std::vector<json> kept;  // highest key first
  std::string frontier;    // key of the last item read ("" before any)
  std::string token;       // the store's page token within this call
  bool exhausted = false;
};

}  // namespace

ShardedPage RunShardedQuery(store::Store* st, const ShardedQuery& q) {
  ShardedPage page;
  const int n = static_cast<int>(q.partitions.size());
  if (n == 0 || q.limit <= 0) return page;
  const int max_requests = q.max_requests > 0 ? q.max_requests : 4 * n + 4;
  // Without a filter the hash spreads a page evenly over the partitions, so a
  // share of the limit (plus slack) from each is usually enough; the one that
  // holds the page back is read further below.
  const int first_batch = q.keep ? q.limit + 1 : (q.limit + n - 1) / n + 2;
  std::vector<Part> parts(static_cast<size_t>(n));
  auto key_of = [&](const json& it) { return it.value(q.sort_attr, std::string()); };

  auto fetch = [&](Part& part, const std::string& pk, int batch) {
    store::QueryRequest r;
    r.table = q.table;
    r.index = q.index;
    r.pk = pk;
    if (!q.below.empty()) r.sk = {store::SortCondition::Op::kLess, q.below, ""};
    r.forward = false;
    r.limit = batch;
    r.page_token = part.token;
    auto res = st->Query(r);
    ThrowIfError(res.status(), q.table);
    ++page.requests;
    for (auto& it : res->items) {
      part.frontier = key_of(it);
      if (!q.keep || q.keep(it)) part.kept.push_back(std::move(it));
    }
    part.token = res->next_page_token;
    part.exhausted = part.token.empty();
  };
  for (int i = 0; i < n; ++i) fetch(parts[i], q.partitions[i], first_batch);

  // Every item at or above `bound` has been read from every partition: the
  // highest frontier among partitions not read to their end.
  bool any_open = false;
  std::string bound;
  for (;;) {
    any_open = false;
    bound.clear();
    int blocker = -1;
    for (int i = 0; i < n; ++i) {
      if (parts[i].exhausted) continue;
      any_open = true;
      // A partition with nothing read yet holds back everything.
      const std::string& f = parts[i].frontier.empty() ? kAboveAll : parts[i].frontier;
      if (blocker < 0 || f > bound) {
        bound = f;
        blocker = i;
      }
    }
    if (!any_open) break;
    int ready = 0;
    for (const auto& p : parts) {
      for (const auto& it : p.kept) {
        if (key_of(it) < bound) break;
        ++ready;
      }
    }
    if (ready >= q.limit || page.requests >= max_requests) break;
    fetch(parts[blocker], q.partitions[blocker], std::max(first_batch, q.limit - ready + 1));
  }

  std::vector<json> ready;
  for (auto& p : parts) {
    for (auto& it : p.kept) {
      if (any_open && key_of(it) < bound) break;
      ready.push_back(std::move(it));
    }
  }
  std::sort(ready.begin(), ready.end(), [&](const json& a, const json& b) { return key_of(a) > key_of(b); });
  const size_t take = std::min(ready.size(), static_cast<size_t>(q.limit));
  page.items.assign(std::make_move_iterator(ready.begin()),
                    std::make_move_iterator(ready.begin() + static_cast<std::ptrdiff_t>(take)));
  if (take == static_cast<size_t>(q.limit) && (take < ready.size() || any_open)) {
    page.next_below = key_of(page.items.back());
  } else if (any_open) {
    // The request budget ran out: everything at or above `bound` was shown.
    page.next_below = bound == kAboveAll ? q.below : bound;
  }
  return page;
}

bool UsesShardedLists(const Principal& p) {
  return p.IsMspAdmin() || p.company_ids.size() > kMaxPerCompanyLists;
}

std::string EncodeShardCursor(const std::string& kind, const std::string& key) {
  if (key.empty()) return "";
  return kind + "." + crypto::Base64UrlEncode(key);
}

std::string ShardCursorKind(const std::string& cursor) {
  auto dot = cursor.find('.');
  if (dot == std::string::npos || dot == 0 || dot > 8) return "";
  return cursor.substr(0, dot);
}

std::string DecodeShardCursor(const std::string& kind, const std::string& cursor) {
  if (cursor.empty()) return "";
  if (ShardCursorKind(cursor) != kind) ThrowInvalidField("cursor", "invalid");
  auto key = crypto::Base64UrlDecode(std::string_view(cursor).substr(kind.size() + 1));
  if (!key || key->empty() || key->size() > kMaxKeyBytes) ThrowInvalidField("cursor", "invalid");
  return *key;
}

}  // namespace aw::services
