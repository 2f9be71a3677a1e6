#pragma once

// Reading every page of a store Query: the one loop that follows
// next_page_token, so callers say what to do with the items and when to
// stop, and never restate the token hand-over.
//
// ForEachPage: calls `on_page` with each page's items (which it may move
// from) in order, until the last page, until `on_page` returns false, or
// after `max_pages` pages (a bound for loops over partitions that could grow
// without end). Returns the status of the first failed Query; the pages
// visited before it stay visited. `q.page_token` may hold a starting token.
// ForEachItem: the same, item by item; `fn` returning false stops at once.
// Thread-safe as far as the store and the callbacks are.

#include <functional>
#include <limits>
#include <vector>

#include "base/status.h"
#include "store/store.h"

namespace aw::services {

using PageFn = std::function<bool(std::vector<store::Item>& items)>;
using ItemFn = std::function<bool(store::Item& item)>;

Status ForEachPage(store::Store* store, store::QueryRequest q, const PageFn& on_page,
                   int max_pages = std::numeric_limits<int>::max());
Status ForEachItem(store::Store* store, store::QueryRequest q, const ItemFn& fn,
                   int max_pages = std::numeric_limits<int>::max());

}  // namespace aw::services
