#pragma once

// Attributes of the write-sharded indexes that serve lists across companies
// (docs/data-model.md, "Cross-company lists"). They are derived from the
// item alone, here and nowhere else:
//   Incidents  time_shard "t#<n>"     (every incident; never changes)
//              open_shard "open#<n>"  (only while the status is open)
//              queue_key  "<priority, 3 digits>#<id>" (only while open)
//   Alerts     time_shard "t#<n>", time_key "<timestamp>#<id>" (never change)
// n = FNV-1a(id) mod kShards. Pointers, locators and other item kinds never
// get them, so they are in none of these indexes.
//
// Whoever builds an incident or alert item calls Stamp*; whoever updates an
// incident with an UpdateRequest calls StampUpdate with the item as read
// (the update must be conditional on that state, e.g. on `version`).
// `alertwhisperer index backfill` re-derives them for items written before
// they existed (DynamoDB tables of an earlier release; an embedded RocksDB
// store is only ever written by a release that has them).
//
// Thread-safe: pure functions, except Backfill (store I/O).

#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "base/status.h"
#include "store/store.h"

namespace aw::services::list_index {

// 16 shards: a DynamoDB partition takes about 1,000 writes/s, so the index
// takes ~16,000 item writes/s before one shard throttles, while a page reads
// only 16 partitions (docs/data-model.md).
inline constexpr int kShards = 16;

int ShardOf(const std::string& id);
// The priority the queue sorts by: the incident's priority score without
// its age term (docs/incident-response.md), 0..999.
int QueuePriority(const nlohmann::json& incident);

void StampIncident(nlohmann::json& incident);
void StampAlert(nlohmann::json& alert);
// Appends to `u` the SET / REMOVE actions that keep the derived attributes
// right after `u` is applied to `current`.
void StampUpdate(const nlohmann::json& current, store::UpdateRequest& u);

// Removes the derived attributes and the intake's join_pending marker from an
// API view (they are store plumbing).
void HideAttrs(nlohmann::json& item);

// Drops the items of companies that no longer exist (deleting a company
// leaves its incidents and alerts in the store; the per-company lists never
// reached them, the sharded indexes do). One BatchGetItem of the page's
// distinct companies (at most kMaxPageSize).
void DropDeletedCompanies(store::Store* store, std::vector<nlohmann::json>* items);

// Whether `item` (an item of Incidents / Alerts) is a real incident / alert
// rather than a pointer, locator or claim.
bool IsIncident(const nlohmann::json& item);
bool IsAlert(const nlohmann::json& item);

struct BackfillStats {
  int64_t incidents_seen = 0;
  int64_t incidents_fixed = 0;
  int64_t alerts_seen = 0;
  int64_t alerts_fixed = 0;
};
// Scans Incidents and Alerts and rewrites each item whose derived attributes
// are missing or wrong (a conditional update on the attributes as read, so a
// concurrent change is never overwritten). Admin tool only.
Result<BackfillStats> Backfill(store::Store* store);

}  // namespace aw::services::list_index
