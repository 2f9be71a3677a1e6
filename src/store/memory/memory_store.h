#pragma once

// MemoryStore: the reference model of the store contract (store/store.h).
//
// Everything lives in std::maps behind one mutex, so every operation is
// trivially atomic and linearisable; nothing is durable. Used by unit tests of
// the services and as the model the conformance suite compares the real
// backends with (tests/unit/store_conformance_test.cc). Semantics are
// DynamoDB's, see item_ops.h for the shared rules.
//
// Time comes from the injected clock: an item whose TTL attribute is a number
// <= clock->NowSeconds() is invisible to every read and absent for
// conditions; SweepExpired() removes such items.
//
// Thread-safe.

#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include "base/clock.h"
#include "store/store.h"

namespace aw::store {

class MemoryStore final : public Store {
 public:
  // REQUIRES: clock outlives the store.
  explicit MemoryStore(const aw::Clock* clock);
  ~MemoryStore() override;

  Status CreateTable(const TableSpec& spec) override;
  const TableSpec* FindTable(const std::string& name) const override;
  Result<Item> GetItem(const GetRequest& req) override;
  Status PutItem(const PutRequest& req) override;
  Status DeleteItem(const DeleteRequest& req) override;
  Result<Item> UpdateItem(const UpdateRequest& req) override;
  Result<QueryResult> Query(const QueryRequest& req) override;
  Result<std::vector<Item>> BatchGetItem(const std::string& table, const std::vector<Key>& keys) override;
  Status BatchWriteItem(const WriteBatch& batch) override;
  Result<QueryResult> Scan(const ScanRequest& req) override;
  Status Flush() override { return Status::OK(); }

  // Removes every expired item; returns how many.
  size_t SweepExpired();

 private:
  // (pk, sk or "") of the table key.
  using RowKey = std::pair<std::string, std::string>;
  // (index pk, index sk or "", table pk, table sk or ""): ties on the index
  // key are ordered by the table key.
  using IndexEntry = std::tuple<std::string, std::string, std::string, std::string>;
  struct Row {
    Item item;
    size_t bytes = 0;  // compact JSON size
  };
  struct Table {
    const TableSpec* spec = nullptr;  // points into specs_
    std::map<RowKey, Row> rows;
    std::vector<std::set<IndexEntry>> indexes;  // parallel to spec->indexes
  };

  Result<Table*> FindLocked(const std::string& name);
  // The live (not expired) row at `key`, or nullptr.
  const Row* LiveLocked(const Table& t, const RowKey& key) const;
  void WriteLocked(Table& t, const RowKey& key, Item item, size_t bytes);
  void EraseLocked(Table& t, const RowKey& key);
  void IndexLocked(Table& t, const RowKey& key, const Item& item, bool insert);
  bool Expired(const Table& t, const Item& item) const;

  const aw::Clock* clock_;
  mutable std::mutex mu_;
  std::map<std::string, Table> tables_;
  // Every spec version ever created: FindTable's pointers stay valid.
  std::vector<std::unique_ptr<TableSpec>> specs_;
};

}  // namespace aw::store
