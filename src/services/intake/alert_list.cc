#include "services/intake/alert_list.h"

#include <memory>
#include <set>

#include "services/list_index.h"
#include "services/sharded_query.h"
#include "store/tables.h"

namespace aw::services {

using nlohmann::json;

Page ListAlertsAcrossCompanies(store::Store* store, const Principal& p, const AlertFilter& f) {
  ShardedQuery q;
  q.table = store::tables::kAlerts;
  q.index = store::tables::kAlertsByShardIndex;
  q.sort_attr = "time_key";
  for (int i = 0; i < list_index::kShards; ++i) q.partitions.push_back("t#" + std::to_string(i));
  q.limit = f.limit;
  q.below = DecodeShardCursor("a", f.cursor);
  std::shared_ptr<const std::set<std::string>> mine;  // not the MSP admin: only their companies
  if (!p.IsMspAdmin())
    mine = std::make_shared<const std::set<std::string>>(p.company_ids.begin(), p.company_ids.end());
  if (!f.status.empty() || mine) {
    std::string status = f.status;
    q.keep = [status, mine](const json& a) {
      return (status.empty() || a.value("status", "") == status) &&
             (!mine || mine->count(a.value("company_id", "")));
    };
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
