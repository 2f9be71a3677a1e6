#include "store/sqlite/sqlite_writer.h"

#include <sqlite3.h>

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <exception>

namespace aw::store::sqlite {

namespace {

// fdatasync of the WAL through a descriptor of our own: fsync applies to the
// file, whichever descriptor names it, and it does not race SQLite's own use
// of its descriptor. Every transaction committed before the call is durable
// when it returns.
Status SyncFile(int fd) {
  if (::fdatasync(fd) != 0) {
    return Status::Unavailable(std::string("fsync of the SQLite WAL failed: ") + std::strerror(errno));
  }
  return Status::OK();
}

}  // namespace

const SqlTable* WriterContext::Table(const std::string& name) const {
  auto it = tables_.find(name);
  return it == tables_.end() ? nullptr : it->second.get();
}

Writer::Writer(std::unique_ptr<Db> db, const std::vector<SqlTablePtr>& tables, const aw::Clock* clock,
               int max_batch, std::chrono::seconds sweep_every, MakeOp make_sweep, bool fsync_wal)
    : db_(std::move(db)),
      ctx_(db_.get(), clock),
      max_batch_(static_cast<size_t>(std::max(1, max_batch))),
      fsync_wal_(fsync_wal),
      sweep_every_(sweep_every),
      make_sweep_(std::move(make_sweep)) {
  for (const auto& t : tables) ctx_.Install(t);
  if (const char* f = sqlite3_db_filename(db_->get(), "main"); f != nullptr) wal_path_ = std::string(f) + "-wal";
  thread_ = std::thread([this] { Loop(); });
  sync_thread_ = std::thread([this] { SyncLoop(); });
}

void Writer::SyncLoop() {
  std::unique_lock lock(sync_mu_);
  while (true) {
    sync_cv_.wait(lock, [&] { return !sync_pending_.empty() || sync_stopping_; });
    if (sync_pending_.empty()) return;  // stopping, nothing left
    std::vector<Durable> batch;
    batch.swap(sync_pending_);
    lock.unlock();
    // Everything in `batch` was committed before this point.
    Status synced;
    if (wal_fd_ < 0 && !wal_path_.empty()) wal_fd_ = ::open(wal_path_.c_str(), O_RDONLY | O_CLOEXEC);
    if (wal_fd_ >= 0) {
      synced = SyncFile(wal_fd_);
    } else if (errno != ENOENT) {
      synced = Status::Unavailable("cannot open the SQLite WAL " + wal_path_ + " to sync it: " + std::strerror(errno));
    }
    syncs_.fetch_add(1, std::memory_order_relaxed);
    for (auto& d : batch) {
      if (d.result.ok() && !synced.ok()) d.result = synced;
      d.op->Complete(std::move(d.result));
    }
    lock.lock();
  }
}

Writer::~Writer() { Stop(); }

Result<Item> Writer::Submit(std::unique_ptr<WriteOp> op) {
  auto done = op->done.get_future();
  {
    std::lock_guard lock(mu_);
    if (stopping_) return Status::Unavailable("the SQLite store is closed (Flush was called)");
    queue_.push_back(std::move(op));
  }
  cv_.notify_one();
  return done.get();
}

void Writer::SubmitAsync(std::unique_ptr<WriteOp> op) {
  {
    std::lock_guard lock(mu_);
    if (!stopping_) {
      queue_.push_back(std::move(op));
      op = nullptr;
    }
  }
  if (op) {
    op->Complete(Status::Unavailable("the SQLite store is closed (Flush was called)"));
    return;
  }
  cv_.notify_one();
}

void Writer::Stop() {
  std::lock_guard stop_lock(stop_mu_);
  if (stopped_) return;
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  cv_.notify_one();
  thread_.join();
  {
    std::lock_guard sync_lock(sync_mu_);
    sync_stopping_ = true;
  }
  sync_cv_.notify_one();
  sync_thread_.join();  // fulfils every durable op still waiting
  if (wal_fd_ >= 0) ::close(wal_fd_);
  wal_fd_ = -1;
  // Best effort: fold the WAL back into the database so a copy of the file
  // alone is complete. Readers still open may keep part of it.
  (void)db_->Exec("PRAGMA wal_checkpoint(TRUNCATE)");
  db_.reset();
  stopped_ = true;
}

void Writer::Loop() {
  using SteadyClock = std::chrono::steady_clock;
  bool sweeping = sweep_every_.count() > 0 && make_sweep_;
  auto next_sweep = SteadyClock::now() + sweep_every_;
  std::unique_lock lock(mu_);
  while (true) {
    auto ready = [&] { return !queue_.empty() || stopping_; };
    if (sweeping) {
      cv_.wait_until(lock, next_sweep, ready);
      if (SteadyClock::now() >= next_sweep && !stopping_) {
        queue_.push_back(make_sweep_());
        next_sweep = SteadyClock::now() + sweep_every_;
      }
    } else {
      cv_.wait(lock, ready);
    }
    if (queue_.empty()) {
      if (stopping_) return;
      continue;
    }
    std::vector<std::unique_ptr<WriteOp>> group;
    if (queue_.front()->mode != WriteOp::Mode::kGrouped) {
      group.push_back(std::move(queue_.front()));
      queue_.pop_front();
    } else {
      while (!queue_.empty() && group.size() < max_batch_ && queue_.front()->mode == WriteOp::Mode::kGrouped) {
        group.push_back(std::move(queue_.front()));
        queue_.pop_front();
      }
    }
    lock.unlock();
    RunGroup(group);
    lock.lock();
  }
}

Result<Item> Writer::RunOne(WriteOp& op) {
  try {
    return op.run(ctx_);
  } catch (const std::exception& e) {
    return Status::Internal(std::string("SQLite store: unexpected exception: ") + e.what());
  }
}

void Writer::RunGroup(std::vector<std::unique_ptr<WriteOp>>& group) {
  std::vector<Result<Item>> results(group.size(), Result<Item>(Status::Internal("not run")));
  if (group.front()->mode == WriteOp::Mode::kOutsideTransaction) {
    results[0] = RunOne(*group[0]);
    group[0]->Complete(std::move(results[0]));
    return;
  }
  Status open = db_->Exec("BEGIN IMMEDIATE");
  for (size_t i = 0; i < group.size(); ++i) {
    if (!open.ok()) {
      results[i] = open;
      continue;
    }
    WriteOp& op = *group[i];
    if (op.savepoint) {
      if (Status s = db_->Exec("SAVEPOINT op"); !s.ok()) {
        results[i] = s;
        continue;
      }
    }
    results[i] = RunOne(op);
    if (db_->AutoCommit()) {
      // SQLite rolled the transaction back by itself: every write so far is
      // gone. Fail those ops and carry on with a new transaction.
      Status lost = Status::Unavailable("transaction rolled back: " +
                                        (results[i].ok() ? std::string("unknown error") : results[i].status().message()));
      for (size_t j = 0; j <= i; ++j) {
        if (results[j].ok() || j == i) results[j] = lost;
      }
      open = db_->Exec("BEGIN IMMEDIATE");
      continue;
    }
    if (op.savepoint) {
      if (!results[i].ok()) (void)db_->Exec("ROLLBACK TO op");
      (void)db_->Exec("RELEASE op");
    }
  }
  if (open.ok()) {
    if (Status commit = db_->Exec("COMMIT"); !commit.ok()) {
      (void)db_->Exec("ROLLBACK");
      for (auto& r : results) {
        if (r.ok()) r = commit;
      }
    } else {
      groups_.fetch_add(1, std::memory_order_relaxed);
      ops_.fetch_add(group.size(), std::memory_order_relaxed);
      for (size_t i = 0; i < group.size(); ++i) {
        if (results[i].ok() && group[i]->on_commit) group[i]->on_commit(ctx_);
      }
      // Durable ops wait for the syncer's next fsync of the WAL; the writer
      // goes on with the next group meanwhile (pipelined group commit).
      if (fsync_wal_) {
        bool any = false;
        {
          std::lock_guard sync_lock(sync_mu_);
          for (size_t i = 0; i < group.size(); ++i) {
            if (!group[i]->durable || !results[i].ok()) continue;
            sync_pending_.push_back({std::move(group[i]), std::move(results[i])});
            any = true;
          }
        }
        if (any) sync_cv_.notify_one();
      }
    }
  }
  for (size_t i = 0; i < group.size(); ++i) {
    if (group[i]) group[i]->Complete(std::move(results[i]));  // moved to the syncer otherwise
  }
}

}  // namespace aw::store::sqlite
