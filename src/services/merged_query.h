#pragma once

// One page of a newest-first list that spans several partitions (e.g. the
// alerts of every company an MSP admin sees): each partition is queried
// through the same table or index, the results are merged by an order key
// (descending), and the cursor records where each partition stopped. No
// Scan, and each page costs at most a few Queries per partition.
//
// The cursor is base64url(JSON {partition value: page token}) - opaque to
// clients. A filter may be given; partitions are read page by page until
// `limit` items pass it (at most kMaxPagesPerPartition pages per call).

#include <functional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "services/page.h"
#include "store/store.h"

namespace aw::services {

struct MergedQuery {
  std::string table;
  std::string index;                 // may be empty
  std::vector<std::string> partitions;  // partition key values
  store::SortCondition sk;           // applied to every partition
  int limit = kDefaultPageSize;
  std::string cursor;
  std::function<bool(const nlohmann::json&)> keep;           // optional
  std::function<std::string(const nlohmann::json&)> order;  // descending; default: the index/table sort key
};

inline constexpr int kMaxPagesPerPartition = 20;

// 422 "cursor: invalid" for a cursor this code did not make.
Page RunMergedQuery(store::Store* store, const MergedQuery& q);

}  // namespace aw::services
