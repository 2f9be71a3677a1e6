#pragma once

// SqliteStore: the embedded backend of the store contract (store/store.h),
// one database file in WAL mode.
//
// Writes go to a single writer thread (sqlite_writer.h) that commits them in
// groups: many concurrent callers share one transaction and one fsync. With
// synchronous_full (PRAGMA synchronous=FULL) an acknowledged write survives
// power loss; without it (NORMAL) it survives a process crash. Conditions are
// evaluated by the writer inside the transaction, so check-and-write is
// atomic. Reads use a pool of read-only connections, at most one per thread
// reading at the same time; each read sees the last committed state.
//
// Layout, GSIs and the meta table: see sqlite_schema.h. Queries walk the
// primary key or a GSI's index in order and stop at the page's limit, so
// their cost does not grow with the table.
//
// TTL: expired items are invisible to reads and absent for conditions at
// once; SweepExpired() deletes them (also run by the writer every
// sweep_interval_seconds).
//
// Thread-safe. Flush() (also run by the destructor) finishes queued writes,
// stops the writer and the sweeper; writes after it fail with kUnavailable,
// reads keep working. Errors keep SQLite's message; busy, I/O errors and a
// full disk are kUnavailable.

#include <chrono>
#include <map>
#include <condition_variable>
#include <atomic>
#include <memory>
#include <mutex>
#include <thread>
#include <mutex>
#include <shared_mutex>
#include <string>
#include <vector>

#include "base/clock.h"
#include "store/store.h"

namespace aw::store {

namespace sqlite {
class ReaderPool;
class Writer;
struct SqlTable;
struct WriteOp;
}  // namespace sqlite

struct SqliteOptions {
  std::string path;  // database file; its directory is created if missing
  int max_batch = 512;  // most operations committed in one transaction
  bool synchronous_full = true;
  int sweep_interval_seconds = 60;  // <= 0: only explicit SweepExpired calls
};

struct SqliteStats {
  uint64_t groups = 0;  // committed write transactions
  uint64_t ops = 0;     // write operations in them
  uint64_t syncs = 0;   // fsyncs of the WAL
  uint64_t queries = 0;  // Query calls (reads), as DynamoDB's call counters
  uint64_t scans = 0;    // Scan calls
};

class SqliteStore final : public Store {
 public:
  // Opens (creating if needed) the database and starts the writer.
  // kUnavailable / kInternal with SQLite's message when that fails.
  // REQUIRES: clock outlives the store; no other process writes the file.
  static Result<std::unique_ptr<SqliteStore>> Open(const SqliteOptions& opts, const aw::Clock* clock);
  ~SqliteStore() override;

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

  // Deletes up to `max_rows` expired items (oldest TTL first within each
  // table); returns how many.
  Result<size_t> SweepExpired(int max_rows);
  // Copies the WAL into the database file and truncates the WAL.
  Status Checkpoint();
  SqliteStats Stats() const;
  // SQLite's EXPLAIN QUERY PLAN for the statement `req` would run (one line
  // per plan step), for tests and diagnostics.
  Result<std::vector<std::string>> ExplainQuery(const QueryRequest& req);

 private:
  using TablePtr = std::shared_ptr<const sqlite::SqlTable>;

  SqliteStore(SqliteOptions opts, const aw::Clock* clock);
  Result<TablePtr> Lookup(const std::string& name) const;
  void Publish(TablePtr t);
  std::unique_ptr<sqlite::WriteOp> MakeSweepOp(int max_rows);
  Result<Item> Submit(std::unique_ptr<sqlite::WriteOp> op);

  const SqliteOptions opts_;
  const aw::Clock* clock_;
  std::atomic<uint64_t> queries_{0};
  std::atomic<uint64_t> scans_{0};
  std::unique_ptr<sqlite::Writer> writer_;
  std::unique_ptr<sqlite::ReaderPool> readers_;
  // Checkpoints run here, on a connection of their own, instead of inside
  // the writer's commits (where each one would stall every write behind two
  // fsyncs): PASSIVE checkpoints copy the WAL into the database while the
  // writer goes on.
  void CheckpointLoop();
  std::thread checkpointer_;
  std::mutex checkpoint_mu_;
  std::condition_variable checkpoint_cv_;
  bool checkpoint_stop_ = false;

  // Table versions readers and callers see; the writer's copy is the truth.
  mutable std::shared_mutex tables_mu_;
  std::map<std::string, TablePtr> tables_;
  std::vector<TablePtr> all_versions_;  // keeps FindTable's pointers valid
};

}  // namespace aw::store
