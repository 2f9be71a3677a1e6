// The incident list across companies (the MSP admin's, and that of anyone
// who sees more than a few companies), read through the
// write-sharded indexes (docs/data-model.md, "Cross-company lists"):
//   sort=time      shard-id-index, newest first (status: filtered while read);
//   sort=priority  open-priority-index (queue priority, then newest), then the
//                  incidents that are not open, newest first, as the
//                  per-company ranking puts them last.
// The cursor is one key ("t."/"p."/"c." + base64url), never per company.

#include <memory>
#include <set>
#include <string>
#include <vector>

#include "base/errors.h"
#include "core/incident_status.h"
#include "services/incidents/incident_service.h"
#include "services/list_index.h"
#include "services/sharded_query.h"
#include "store/tables.h"

namespace aw::services {

namespace t = store::tables;
using nlohmann::json;

namespace {

std::vector<std::string> Shards(const char* prefix) {
  std::vector<std::string> out;
  out.reserve(list_index::kShards);
  for (int i = 0; i < list_index::kShards; ++i) out.push_back(prefix + std::to_string(i));
  return out;
}

}  // namespace

Page IncidentService::ListAcrossCompanies(const Principal& p, const IncidentFilter& f) {
  const std::string status = f.status;
  // Someone other than the MSP admin: only their companies, filtered while read.
  std::shared_ptr<const std::set<std::string>> mine;
  if (!p.IsMspAdmin())
    mine = std::make_shared<const std::set<std::string>>(p.company_ids.begin(), p.company_ids.end());
  auto theirs = [mine](const json& it) { return !mine || mine->count(it.value("company_id", "")) > 0; };
  const bool open_status = !status.empty() && core::IsOpenStatus(status);
  auto by_time = [&](const std::string& below, int limit, bool only_closed) {
    ShardedQuery q;
    q.table = t::kIncidents;
    q.index = t::kIncidentsByShardIndex;
    q.sort_attr = "id";
    q.partitions = Shards("t#");
    q.limit = limit;
    q.below = below;
    if (!status.empty()) {
      q.keep = [status, theirs](const json& it) { return it.value("status", "") == status && theirs(it); };
    } else if (only_closed) {
      q.keep = [theirs](const json& it) { return !core::IsOpenStatus(it.value("status", "")) && theirs(it); };
    } else if (mine) {
      q.keep = theirs;
    }
    return RunShardedQuery(ctx_->store, q);
  };
  auto by_priority = [&](const std::string& below, int limit) {
    ShardedQuery q;
    q.table = t::kIncidents;
    q.index = t::kOpenIncidentsIndex;
    q.sort_attr = "queue_key";
    q.partitions = Shards("open#");
    q.limit = limit;
    q.below = below;
    if (!status.empty()) {
      q.keep = [status, theirs](const json& it) { return it.value("status", "") == status && theirs(it); };
    } else if (mine) {
      q.keep = theirs;
    }
    return RunShardedQuery(ctx_->store, q);
  };

  Page page;
  if (f.sort == "time") {
    ShardedPage sp = by_time(DecodeShardCursor("t", f.cursor), f.limit, false);
    list_index::DropDeletedCompanies(ctx_->store, &sp.items);
    for (auto& it : sp.items) page.items.push_back(View(std::move(it)));
    page.next_cursor = EncodeShardCursor("t", sp.next_below);
    return page;
  }
  // sort=priority: the open incidents ("p"), then the others ("c").
  std::string kind =
      f.cursor.empty() ? (status.empty() || open_status ? "p" : "c") : ShardCursorKind(f.cursor);
  if (kind != "p" && kind != "c") ThrowInvalidField("cursor", "invalid");
  if (kind == "p") {
    if (!status.empty() && !open_status) ThrowInvalidField("cursor", "invalid");
    ShardedPage sp = by_priority(DecodeShardCursor("p", f.cursor), f.limit);
    list_index::DropDeletedCompanies(ctx_->store, &sp.items);
    for (auto& it : sp.items) page.items.push_back(View(std::move(it)));
    if (!sp.next_below.empty()) {
      page.next_cursor = EncodeShardCursor("p", sp.next_below);
      return page;
    }
    if (open_status) return page;  // a filter on an open status: nothing else matches
    const int room = f.limit - static_cast<int>(page.items.size());
    if (room <= 0) {
      // The open ones filled this page exactly: the closed ones start the next
      // (a cursor even if there are none; that page is then empty).
      page.next_cursor = "c.";
      return page;
    }
    ShardedPage rest = by_time("", room, true);
    list_index::DropDeletedCompanies(ctx_->store, &rest.items);
    for (auto& it : rest.items) page.items.push_back(View(std::move(it)));
    page.next_cursor = EncodeShardCursor("c", rest.next_below);
    return page;
  }
  if (open_status) ThrowInvalidField("cursor", "invalid");
  const std::string below = f.cursor == "c." ? "" : DecodeShardCursor("c", f.cursor);
  ShardedPage sp = by_time(below, f.limit, true);
  for (auto& it : sp.items) page.items.push_back(View(std::move(it)));
  page.next_cursor = EncodeShardCursor("c", sp.next_below);
  return page;
}

}  // namespace aw::services
