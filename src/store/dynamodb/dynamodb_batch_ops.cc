// DynamoStore: BatchGetItem and BatchWriteItem, chunked to DynamoDB's limits
// (100 keys / 25 writes a request) with unprocessed keys and items retried
// with backoff.

#include <map>
#include <set>

#include "store/dynamodb/dynamodb_store.h"
#include "store/item_ops.h"

namespace aw::store {

using dynamodb::Json;

namespace {

constexpr int kMaxUnprocessedRounds = 12;

std::pair<std::string, std::string> Pair(const Key& k) { return {k.pk, k.sk.value_or("")}; }

}  // namespace

Result<std::vector<Item>> DynamoStore::BatchGetItem(const std::string& table, const std::vector<Key>& keys) {
  auto found = Lookup(table);
  if (!found.ok()) return found.status();
  const TableSpec& spec = **found;
  const std::string full = FullName(spec.name);
  // DynamoDB rejects a request that names one key twice.
  std::vector<Json> unique;
  std::set<std::pair<std::string, std::string>> seen;
  for (const auto& k : keys) {
    auto kj = KeyJson(spec, k);
    if (!kj.ok()) return kj.status();
    if (seen.insert(Pair(k)).second) unique.push_back(std::move(*kj));
  }
  const int64_t now = clock_->NowSeconds();
  std::vector<Item> out;
  for (size_t at = 0; at < unique.size(); at += kMaxBatchGet) {
    Json pending = Json::array();
    for (size_t i = at; i < std::min(unique.size(), at + kMaxBatchGet); ++i) pending.push_back(unique[i]);
    for (int round = 0; !pending.empty(); ++round) {
      if (round >= kMaxUnprocessedRounds) {
        return Status::Throttled("BatchGetItem on table " + full + " left keys unprocessed after " +
                                 std::to_string(kMaxUnprocessedRounds) + " rounds");
      }
      if (round > 0) client_.Backoff(round - 1);
      Json body = {{"RequestItems", {{full, {{"Keys", pending}, {"ConsistentRead", true}}}}}};
      auto r = client_.Call("BatchGetItem", body);
      if (!r.ok()) return Annotate(r.status(), "BatchGetItem", spec);
      auto responses = r->find("Responses");
      if (responses != r->end() && responses->contains(full)) {
        for (const auto& av : (*responses)[full]) {
          auto item = dynamodb::FromAttributeMap(av);
          if (!item.ok()) return item.status();
          if (!IsExpired(spec, *item, now)) out.push_back(std::move(*item));
        }
      }
      pending = Json::array();
      auto un = r->find("UnprocessedKeys");
      if (un != r->end() && un->contains(full)) pending = (*un)[full].value("Keys", Json::array());
    }
  }
  return out;
}

Status DynamoStore::BatchWriteItem(const WriteBatch& batch) {
  auto found = Lookup(batch.table);
  if (!found.ok()) return found.status();
  const TableSpec& spec = **found;
  const std::string full = FullName(spec.name);
  // Validate everything first (a bad batch writes nothing), and fold repeats
  // as the contract applies them: puts in order, then deletes.
  std::map<std::pair<std::string, std::string>, Json> requests;
  for (const auto& item : batch.puts) {
    auto key = spec.KeyOf(item);
    if (!key.ok()) return key.status();
    if (auto text = SerializeItem(spec, item); !text.ok()) return text.status();
    if (Status s = CheckIndexKeys(spec, item); !s.ok()) return s;
    auto av = dynamodb::ToAttributeMap(item);
    if (!av.ok()) return av.status();
    requests[Pair(*key)] = {{"PutRequest", {{"Item", std::move(*av)}}}};
  }
  for (const auto& k : batch.deletes) {
    auto kj = KeyJson(spec, k);
    if (!kj.ok()) return kj.status();
    requests[Pair(k)] = {{"DeleteRequest", {{"Key", std::move(*kj)}}}};
  }
  std::vector<Json> all;
  all.reserve(requests.size());
  for (auto& [k, v] : requests) all.push_back(std::move(v));
  for (size_t at = 0; at < all.size(); at += kMaxBatchWrite) {
    Json pending = Json::array();
    for (size_t i = at; i < std::min(all.size(), at + kMaxBatchWrite); ++i) pending.push_back(all[i]);
    for (int round = 0; !pending.empty(); ++round) {
      if (round >= kMaxUnprocessedRounds) {
        return Status::Throttled("BatchWriteItem on table " + full + " left items unprocessed after " +
                                 std::to_string(kMaxUnprocessedRounds) + " rounds");
      }
      if (round > 0) client_.Backoff(round - 1);
      auto r = client_.Call("BatchWriteItem", {{"RequestItems", {{full, pending}}}});
      if (!r.ok()) return Annotate(r.status(), "BatchWriteItem", spec);
      pending = Json::array();
      auto un = r->find("UnprocessedItems");
      if (un != r->end() && un->contains(full)) pending = (*un)[full];
    }
  }
  return Status::OK();
}

}  // namespace aw::store
