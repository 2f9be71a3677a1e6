#include "services/alert_list.h"

#include "services/list_index.h"
#include "services/sharded_query.h"
#include "store/tables.h"

namespace aw::services {

using nlohmann::json;

Page ListAlertsAcrossCompanies(store::Store* store, const AlertFilter& f) {
  ShardedQuery q;
  q.table = store::tables::kAlerts;
  q.index = store::tables::kAlertsByShardIndex;
  q.sort_attr = "time_key";
  for (int i = 0; i < list_index::kShards; ++i) q.partitions.push_back("t#" + std::to_string(i));
  q.limit = f.limit;
  q.below = DecodeShardCursor("a", f.cursor);
  if (!f.status.empty()) {
    std::string status = f.status;
    q.keep = [status](const json& a) { return a.value("status", "") == status; };
  }
  ShardedPage sp = RunShardedQuery(store, q);
  list_index::DropDeletedCompanies(store, &sp.items);
  Page page;
  page.items = std::move(sp.items);
  for (auto& a : page.items) {
    a.erase("ttl");
    list_index::HideAttrs(a);
  }
  page.next_cursor = EncodeShardCursor("a", sp.next_below);
  return page;
}

}  // namespace aw::services
