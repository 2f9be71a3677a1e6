#pragma once

// One page of a list read from several partitions that share one sort key
// whose values are unique across all of them (e.g. the write shards
// "t#0".."t#15" of a list index, docs/data-model.md "Cross-company lists").
// The partitions are read newest (highest key) first and merged; since every
// partition is ordered by the same unique key, where a page stopped is ONE
// key: the next page reads each partition strictly below it. So the cursor
// has a fixed size whatever the number of partitions or companies.
//
// Requests per page: one Query per partition, plus a few more for the
// partition that holds the page back, at most `max_requests` in all (then a
// shorter page with a cursor is returned: everything above the cursor was
// shown). Items failing `keep` are read and skipped.

#include <functional>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "services/identity/principal.h"
#include "store/store.h"

namespace aw::services {

struct ShardedQuery {
  std::string table;
  std::string index;
  std::string sort_attr;                // the index's sort key attribute
  std::vector<std::string> partitions;  // index partition key values
  int limit = 50;
  std::string below;                                // resume strictly below this key ("": from the top)
  std::function<bool(const nlohmann::json&)> keep;  // optional
  int max_requests = 0;                             // 0: 4 per partition
};

struct ShardedPage {
  std::vector<nlohmann::json> items;  // highest key first
  std::string next_below;             // "" when nothing is left
  int requests = 0;                   // store Queries this page took
};

ShardedPage RunShardedQuery(store::Store* store, const ShardedQuery& q);

// Whether a list without company_id reads the sharded indexes for `p`: the
// MSP admin, and anyone who sees more than kMaxPerCompanyLists companies
// (their lists are filtered to those companies while read). Below that, one
// Query per company and a cursor of a position per company stay small.
inline constexpr size_t kMaxPerCompanyLists = 3;
bool UsesShardedLists(const Principal& p);

// The API cursor of a sharded list: "<kind>.<base64url(key)>", at most ~400
// bytes for a key of at most 256. `kind` tells lists apart ("t", "p", ...).
std::string EncodeShardCursor(const std::string& kind, const std::string& key);
// The key of a cursor of this kind; 422 "cursor: invalid" otherwise.
std::string DecodeShardCursor(const std::string& kind, const std::string& cursor);
// The kind of a sharded cursor ("" when `cursor` is not one).
std::string ShardCursorKind(const std::string& cursor);

}  // namespace aw::services
