#pragma once

// The SQLite backend's single writer: one thread owns the write connection
// and commits queued operations in groups, one transaction (and, with
// synchronous=FULL, one fsync) per group.
//
// Callers Submit() an operation and block until the group holding it has
// committed and, for a durable op, until a later fsync of the WAL (done by a
// second thread, so the writer commits the next groups meanwhile): OK means
// durable. A non-durable op (defer_sync) returns at commit: visible, and
// durable after the next durable op's fsync. Operations run in queue order on the writer
// thread; a conditional write's read-check-write is therefore atomic. An
// operation that fails (condition false, bad input) fails alone: the others
// in its group still commit. If SQLite rolls back the whole transaction (I/O
// error, full disk), every operation of the group fails with kUnavailable.
//
// Thread-safe: Submit from any thread. Stop() drains the queue, stops the
// thread and closes the connection; later Submits return kUnavailable.

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <future>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "base/clock.h"
#include "store/sqlite/sqlite_db.h"
#include "store/sqlite/sqlite_schema.h"

namespace aw::store::sqlite {

// What an operation sees while it runs on the writer thread.
class WriterContext {
 public:
  WriterContext(Db* db, const aw::Clock* clock) : db_(db), clock_(clock) {}
  Db& db() { return *db_; }
  int64_t NowSeconds() const { return clock_->NowSeconds(); }
  // The current version of a table as the writer knows it (authoritative:
  // every definition change goes through the writer), or nullptr.
  const SqlTable* Table(const std::string& name) const;
  const std::map<std::string, SqlTablePtr>& tables() const { return tables_; }
  void Install(SqlTablePtr t) { tables_[t->spec.name] = std::move(t); }

 private:
  Db* db_;
  const aw::Clock* clock_;
  std::map<std::string, SqlTablePtr> tables_;
};

struct WriteOp {
  enum class Mode {
    kGrouped,             // shares a transaction with its neighbours
    kAlone,               // own transaction (table definitions)
    kOutsideTransaction,  // no transaction (checkpoints)
  };
  Mode mode = Mode::kGrouped;
  bool savepoint = false;  // several statements: undo them all if the op fails
  // The caller waits until the op is on disk (the WAL is fsynced after the
  // commit). false: it waits for the commit only (visible, not yet durable).
  bool durable = true;
  std::function<Result<Item>(WriterContext&)> run;
  // Runs on the writer thread once the op's transaction has committed (only
  // when `run` succeeded).
  std::function<void(WriterContext&)> on_commit;
  // Set: called with the result (on the writer or the syncer thread) instead
  // of fulfilling `done`; for callers that must not block (SubmitAsync).
  std::function<void(Result<Item>)> on_done;
  std::promise<Result<Item>> done;
  void Complete(Result<Item> r) {
    if (on_done) {
      on_done(std::move(r));
    } else {
      done.set_value(std::move(r));
    }
  }
};

struct WriterStats {
  uint64_t groups = 0;  // committed transactions
  uint64_t ops = 0;     // operations in them
  uint64_t syncs = 0;   // fsyncs of the WAL
};

class Writer {
 public:
  using MakeOp = std::function<std::unique_ptr<WriteOp>()>;
  // `make_sweep` builds the periodic TTL sweep, queued every `sweep_every`
  // (zero: never).
  // `fsync_wal`: after committing a group holding a durable op, fsync the
  // WAL (the connection runs with synchronous=NORMAL, which does not).
  // false only for benchmarks (AW_SQLITE_UNSAFE_NO_FSYNC).
  Writer(std::unique_ptr<Db> db, const std::vector<SqlTablePtr>& tables, const aw::Clock* clock, int max_batch,
         std::chrono::seconds sweep_every, MakeOp make_sweep, bool fsync_wal = true);
  ~Writer();

  // Blocks until the op's group has committed (or failed).
  Result<Item> Submit(std::unique_ptr<WriteOp> op);
  // Queues the op and returns at once; REQUIRES op->on_done (called exactly
  // once, possibly before this returns when the writer is stopped).
  void SubmitAsync(std::unique_ptr<WriteOp> op);
  // Idempotent.
  void Stop();
  WriterStats Stats() const { return {groups_.load(), ops_.load(), syncs_.load()}; }

 private:
  // A committed durable op waiting for the next fsync.
  struct Durable {
    std::unique_ptr<WriteOp> op;
    Result<Item> result;
  };
  void Loop();
  void SyncLoop();
  void RunGroup(std::vector<std::unique_ptr<WriteOp>>& group);
  Result<Item> RunOne(WriteOp& op);

  std::unique_ptr<Db> db_;
  WriterContext ctx_;
  const size_t max_batch_;
  const bool fsync_wal_;
  const std::chrono::seconds sweep_every_;
  MakeOp make_sweep_;

  std::mutex mu_;
  std::condition_variable cv_;
  std::deque<std::unique_ptr<WriteOp>> queue_;
  bool stopping_ = false;

  std::mutex stop_mu_;
  bool stopped_ = false;
  std::thread thread_;
  std::atomic<uint64_t> groups_{0}, ops_{0}, syncs_{0};

  // The syncer: fsyncs the WAL for committed durable ops while the writer
  // goes on committing the next groups.
  std::string wal_path_;
  int wal_fd_ = -1;  // used by the syncer thread only
  std::mutex sync_mu_;
  std::condition_variable sync_cv_;
  std::vector<Durable> sync_pending_;
  bool sync_stopping_ = false;
  std::thread sync_thread_;
};

}  // namespace aw::store::sqlite
