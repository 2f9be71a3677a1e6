#include "services/paging.h"

#include <utility>

namespace aw::services {

Status ForEachPage(store::Store* store, store::QueryRequest q, const PageFn& on_page, int max_pages) {
  for (int pages = 0; pages < max_pages; ++pages) {
    auto r = store->Query(q);
    if (!r.ok()) return r.status();
    if (!on_page(r->items)) break;
    if (r->next_page_token.empty()) break;
    q.page_token = std::move(r->next_page_token);
  }
  return Status::OK();
}

Status ForEachItem(store::Store* store, store::QueryRequest q, const ItemFn& fn, int max_pages) {
  return ForEachPage(
      store, std::move(q),
      [&fn](std::vector<store::Item>& items) {
        for (auto& it : items) {
          if (!fn(it)) return false;
        }
        return true;
      },
      max_pages);
}

}  // namespace aw::services
