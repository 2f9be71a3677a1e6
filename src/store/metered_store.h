#pragma once

// MeteredStore: a Store that forwards every call to a backend and counts it
// (base/metrics.h): aw_store_operations_total, aw_store_errors_total and
// aw_store_operation_duration_seconds, labelled by backend and operation
// (docs/operations.md, "Metrics"). Not-found and condition failures are
// answers, not errors. RunAtomic is counted when queued, not timed (its
// writes are timed by the backend's writer: aw_rocksdb_write_seconds).
// Thread-safe as the backend is; adds no lock and no allocation.

#include <array>
#include <memory>
#include <string>

#include "base/metrics.h"
#include "store/store.h"

namespace aw::store {

class MeteredStore final : public Store {
 public:
  // `backend_name` is the label ("rocksdb", "dynamodb", "memory").
  MeteredStore(std::unique_ptr<Store> backend, const std::string& backend_name);

  // The wrapped store (for backend-specific statistics).
  Store* backend() const { return backend_.get(); }

  Status CreateTable(const TableSpec& spec) override { return backend_->CreateTable(spec); }
  const TableSpec* FindTable(const std::string& name) const override { return backend_->FindTable(name); }
  Result<Item> GetItem(const GetRequest& req) override;
  Status PutItem(const PutRequest& req) override;
  Status DeleteItem(const DeleteRequest& req) override;
  Result<Item> UpdateItem(const UpdateRequest& req) override;
  Result<QueryResult> Query(const QueryRequest& req) override;
  Result<std::vector<Item>> BatchGetItem(const std::string& table, const std::vector<Key>& keys) override;
  Status BatchWriteItem(const WriteBatch& batch) override;
  Result<QueryResult> Scan(const ScanRequest& req) override;
  Status Sync() override;
  bool RunAtomic(AtomicFn fn, std::function<void(Status)> done) override;
  Status Flush() override { return backend_->Flush(); }

 private:
  enum Op { kGet, kPut, kDelete, kUpdate, kQuery, kBatchGet, kBatchWrite, kScan, kSync, kAtomic, kOpCount };
  struct Series {
    metrics::Counter* calls = nullptr;
    metrics::Counter* errors = nullptr;
    metrics::Histogram* seconds = nullptr;
  };
  class Timer;

  const std::unique_ptr<Store> backend_;
  std::array<Series, kOpCount> series_;
};

}  // namespace aw::store
