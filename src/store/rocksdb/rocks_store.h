#pragma once

// RocksStore: the embedded backend of the store contract (store/store.h) on
// RocksDB, an LSM engine: each write goes once to a sequential write-ahead
// log and into memory; compaction rewrites it in the background.
//
// Writes go to a single writer thread (rocks_writer.h) that evaluates
// conditions and updates in order and commits groups of callers as one
// WriteBatch with one fsync of the WAL (WriteOptions::sync); an acknowledged
// write survives a crash and power loss. Reads (Get, Query, Scan) go straight
// to RocksDB from the calling thread and see the last written batch; a Query
// reads one consistent snapshot.
//
// Layout (items, GSIs, TTL entries as key prefixes): rocks_keys.h and
// docs/data-model.md. Tuning for a small machine: docs/operations.md.
//
// TTL: expired items are invisible to reads and absent for conditions at
// once; SweepExpired() deletes them with their index entries (also run by the
// writer every sweep_interval_seconds), walking the TTL entries in order.
//
// Thread-safe. Flush() (also run by the destructor) finishes queued writes,
// syncs the WAL and stops the writer; writes after it fail with
// kUnavailable, reads keep working. RocksDB's own LOCK file keeps a second
// process from opening the same directory.

#include <atomic>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <shared_mutex>
#include <string>
#include <vector>

#include "base/clock.h"
#include "store/store.h"

namespace rocksdb {
class DB;
class Statistics;
}  // namespace rocksdb

namespace aw::store {

namespace rocks {
class Writer;
struct RTable;
struct WriteOp;
}  // namespace rocks

struct RocksOptions {
  std::string path;                 // data directory; created if missing
  int max_batch = 1024;             // most ops committed in one WriteBatch
  bool sync = true;                 // false: benchmarks only (AW_ROCKSDB_UNSAFE_NO_FSYNC)
  int sweep_interval_seconds = 60;  // <= 0: only explicit SweepExpired calls
  // Most items one periodic sweep deletes (bounded work per pass: the writes
  // queued meanwhile wait for it); a pass that hits it is followed by another
  // at once, behind those writes (Writer::kSweepAgain), not a minute later.
  int sweep_items = 500;
  size_t block_cache_bytes = 64u << 20;
  size_t memtable_bytes = 32u << 20;
  // The writer's cache of items it read (estimated bytes): sized for ~100k
  // hot items (bench/intake_bench.sh's 50k correlation keys: a pointer and an
  // incident each, ~1 KB of text); only items read again and again stay, so
  // a smaller working set uses less.
  size_t writer_cache_bytes = size_t{128} << 20;
};

struct RocksStats {
  uint64_t groups = 0;   // WriteBatches written by the writer
  uint64_t ops = 0;      // write operations in them
  uint64_t syncs = 0;    // fsyncs of the WAL the writer asked for
  uint64_t queries = 0;  // Query calls
  uint64_t scans = 0;    // Scan calls
  // The writer's cache of items it read (estimated bytes, bounded by
  // RocksOptions::writer_cache_bytes) and its items: with the memtables and
  // the block cache, the memory that fills as a store is used and is capped.
  uint64_t writer_cache_bytes = 0;
  uint64_t writer_cache_items = 0;
};

class RocksStore final : public Store {
 public:
  // Opens (creating if needed) the database and starts the writer.
  // kUnavailable with RocksDB's message when that fails (also when another
  // process holds the directory). REQUIRES: clock outlives the store.
  static Result<std::unique_ptr<RocksStore>> Open(const RocksOptions& opts, const aw::Clock* clock);
  ~RocksStore() override;

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
  Status Sync() override;
  Status Flush() override;
  bool RunAtomic(AtomicFn fn, std::function<void(Status)> done) override;

  // Deletes up to `max_items` expired items (oldest TTL first); returns how many.
  Result<size_t> SweepExpired(int max_items);
  // A consistent copy of the database in `dir` (must not exist), taken while
  // serving: RocksDB's checkpoint (hard links of the SST files + the WAL).
  Status Backup(const std::string& dir);
  // A consistent copy of the store at `primary` into `dest` (must not
  // exist), while another process may be serving from `primary`: read
  // through a RocksDB secondary instance that replays the primary's WAL, so
  // every write acknowledged before the call is in the copy. Returns the
  // number of keys copied. For `alertwhisperer backup`.
  static Result<uint64_t> CopyLive(const std::string& primary, const std::string& dest);
  RocksStats Stats() const;
  // RocksDB's own figures: write stalls, compactions, WAL syncs, memtable,
  // block cache (for `store-stats`).
  nlohmann::json EngineStats() const;

 private:
  using TablePtr = std::shared_ptr<const rocks::RTable>;

  RocksStore(RocksOptions opts, const aw::Clock* clock);
  Result<TablePtr> Lookup(const std::string& name) const;
  void Publish(TablePtr t);
  // A sweep pass; `periodic`: the writer's own, followed at once by another when
  // it hits `max_items` (WriterContext::more_expired).
  std::unique_ptr<rocks::WriteOp> MakeSweepOp(int max_items, bool periodic);
  Result<Item> Submit(std::unique_ptr<rocks::WriteOp> op);

  const RocksOptions opts_;
  const aw::Clock* clock_;
  std::unique_ptr<rocksdb::DB> db_;
  std::shared_ptr<rocksdb::Statistics> statistics_;
  std::atomic<uint64_t> queries_{0};
  std::atomic<uint64_t> scans_{0};
  std::unique_ptr<rocks::Writer> writer_;

  // Table versions readers see; the writer's copy is the truth.
  mutable std::shared_mutex tables_mu_;
  std::map<std::string, TablePtr> tables_;
  std::vector<TablePtr> all_versions_;  // keeps FindTable's pointers valid
};

}  // namespace aw::store
