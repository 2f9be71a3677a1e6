#include "store/sqlite/sqlite_store.h"

#include <spdlog/spdlog.h>

#include <sqlite3.h>

#include <filesystem>

#include "store/item_ops.h"
#include "store/sqlite/sqlite_readers.h"
#include "store/sqlite/sqlite_schema.h"
#include "store/sqlite/sqlite_writer.h"

namespace aw::store {

using sqlite::Db;
using sqlite::WriteOp;
using sqlite::WriterContext;

namespace {

constexpr int kPeriodicSweepRows = 10000;

Status ConfigureWriter(Db& db, const SqliteOptions& opts) {
  auto mode = db.Prepare("PRAGMA journal_mode=WAL");
  if (!mode.ok()) return mode.status();
  if (mode->Step() != SQLITE_ROW || mode->ColumnText(0) != "wal") {
    return Status::Unavailable("cannot switch " + opts.path + " to WAL mode (journal_mode is " +
                               std::string(mode->ColumnText(0)) + ")");
  }
  // NORMAL: a commit does not fsync by itself; the writer fsyncs the WAL
  // after each group that holds a durable write (see Writer), so deferred
  // writes (defer_sync) cost no fsync of their own.
  // wal_autocheckpoint=0: checkpoints run on the checkpointer thread.
  // temp_store=MEMORY: the statement journal of a savepoint (every RunAtomic
  // unit has one) stays in memory; on disk it was a temp file created,
  // written and deleted per unit.
  return db.Exec(
      "PRAGMA busy_timeout=5000; PRAGMA cache_size=-65536; PRAGMA synchronous=NORMAL; PRAGMA wal_autocheckpoint=0; "
      "PRAGMA temp_store=MEMORY");
}

}  // namespace

SqliteStore::SqliteStore(SqliteOptions opts, const aw::Clock* clock) : opts_(std::move(opts)), clock_(clock) {}

SqliteStore::~SqliteStore() { (void)Flush(); }

Result<std::unique_ptr<SqliteStore>> SqliteStore::Open(const SqliteOptions& opts, const aw::Clock* clock) {
  if (opts.path.empty() || opts.path == ":memory:") {
    return Status::InvalidArgument("SqliteOptions.path must name a database file");
  }
  std::filesystem::path dir = std::filesystem::path(opts.path).parent_path();
  if (!dir.empty()) {
    std::error_code ec;
    std::filesystem::create_directories(dir, ec);
    if (ec) return Status::Unavailable("cannot create directory " + dir.string() + ": " + ec.message());
  }
  auto db = Db::Open(opts.path, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE);
  if (!db.ok()) return db.status();
  if (auto s = ConfigureWriter(**db, opts); !s.ok()) return s;
  if (auto s = sqlite::EnsureMetaTable(**db); !s.ok()) return s;
  auto tables = sqlite::LoadTables(**db);
  if (!tables.ok()) return tables.status();

  std::unique_ptr<SqliteStore> store(new SqliteStore(opts, clock));
  for (const auto& t : *tables) store->Publish(t);
  store->readers_ = std::make_unique<sqlite::ReaderPool>(opts.path);
  SqliteStore* raw = store.get();
  store->writer_ = std::make_unique<sqlite::Writer>(
      std::move(*db), *tables, clock, opts.max_batch, std::chrono::seconds(std::max(0, opts.sweep_interval_seconds)),
      [raw] { return raw->MakeSweepOp(kPeriodicSweepRows); }, opts.synchronous_full);
  store->checkpointer_ = std::thread([raw] { raw->CheckpointLoop(); });
  return store;
}

void SqliteStore::Publish(TablePtr t) {
  std::unique_lock lock(tables_mu_);
  tables_[t->spec.name] = t;
  all_versions_.push_back(std::move(t));
}

Result<SqliteStore::TablePtr> SqliteStore::Lookup(const std::string& name) const {
  std::shared_lock lock(tables_mu_);
  auto it = tables_.find(name);
  if (it == tables_.end()) return UnknownTable(name);
  return it->second;
}

const TableSpec* SqliteStore::FindTable(const std::string& name) const {
  std::shared_lock lock(tables_mu_);
  auto it = tables_.find(name);
  return it == tables_.end() ? nullptr : &it->second->spec;
}

Result<Item> SqliteStore::Submit(std::unique_ptr<WriteOp> op) { return writer_->Submit(std::move(op)); }

Status SqliteStore::CreateTable(const TableSpec& spec) {
  if (auto s = ValidateTableSpec(spec); !s.ok()) return s;
  if (auto known = Lookup(spec.name); known.ok()) {
    if (auto s = CheckRedefinition((*known)->spec, spec); !s.ok()) return s;
    if (SameSpec((*known)->spec, spec)) return Status::OK();
  }
  auto defined = std::make_shared<TablePtr>();
  auto op = std::make_unique<WriteOp>();
  op->mode = WriteOp::Mode::kAlone;
  op->run = [spec, defined](WriterContext& ctx) -> Result<Item> {
    const sqlite::SqlTable* old = ctx.Table(spec.name);
    if (old != nullptr) {
      if (auto s = CheckRedefinition(old->spec, spec); !s.ok()) return s;
      if (SameSpec(old->spec, spec)) return Item();
    }
    auto t = sqlite::DefineTable(ctx.db(), old, spec);
    if (!t.ok()) return t.status();
    *defined = *t;
    return Item();
  };
  op->on_commit = [this, defined](WriterContext& ctx) {
    if (*defined == nullptr) return;
    ctx.Install(*defined);
    Publish(*defined);
  };
  return Submit(std::move(op)).status();
}

std::unique_ptr<WriteOp> SqliteStore::MakeSweepOp(int max_rows) {
  auto op = std::make_unique<WriteOp>();
  op->run = [max_rows](WriterContext& ctx) -> Result<Item> {
    int64_t now = ctx.NowSeconds();
    int64_t swept = 0;
    for (const auto& [name, t] : ctx.tables()) {
      if (swept >= max_rows) break;
      if (!t->spec.ttl_attribute) continue;
      std::vector<std::pair<std::string, std::string>> keys;
      {
        auto s = ctx.db().Prepare("SELECT pk, sk FROM " + t->ident + " WHERE ttl<=?1 ORDER BY ttl LIMIT ?2");
        if (!s.ok()) return s.status();
        s->BindInt(1, now);
        s->BindInt(2, max_rows - swept);
        int rc;
        while ((rc = s->Step()) == SQLITE_ROW) keys.emplace_back(s->ColumnText(0), s->ColumnText(1));
        if (rc != SQLITE_DONE) return ctx.db().Error(rc, "cannot find expired items in " + name);
      }
      for (const auto& [pk, sk] : keys) {
        auto d = ctx.db().Prepare(t->delete_sql);
        if (!d.ok()) return d.status();
        d->BindText(1, pk);
        d->BindText(2, sk);
        if (auto st = ctx.db().Run(*d, "cannot delete an expired item"); !st.ok()) return st;
      }
      swept += static_cast<int64_t>(keys.size());
    }
    return Item(swept);
  };
  return op;
}

Result<size_t> SqliteStore::SweepExpired(int max_rows) {
  if (max_rows <= 0) return size_t{0};
  auto r = Submit(MakeSweepOp(max_rows));
  if (!r.ok()) return r.status();
  return r->get<size_t>();
}

Status SqliteStore::Checkpoint() {
  auto op = std::make_unique<WriteOp>();
  op->mode = WriteOp::Mode::kOutsideTransaction;
  op->run = [](WriterContext& ctx) -> Result<Item> {
    if (auto s = ctx.db().Exec("PRAGMA wal_checkpoint(TRUNCATE)"); !s.ok()) return s;
    return Item();
  };
  return Submit(std::move(op)).status();
}

Status SqliteStore::Sync() {
  // A durable op with nothing to write: its group's commit is followed by
  // an fsync of the WAL, which covers every transaction committed before.
  auto op = std::make_unique<WriteOp>();
  op->run = [](WriterContext&) -> Result<Item> { return Item(); };
  return Submit(std::move(op)).status();
}

void SqliteStore::CheckpointLoop() {
  constexpr auto kPeriod = std::chrono::milliseconds(250);
  constexpr uintmax_t kWalBytes = 16u << 20;  // checkpoint once the WAL holds 16 MiB
  constexpr int64_t kWalRestartBytes = 64 << 20;
  constexpr int64_t page_size = 4096;  // close enough for the threshold
  std::unique_ptr<Db> db;
  const std::string wal = opts_.path + "-wal";
  std::unique_lock lock(checkpoint_mu_);
  while (!checkpoint_stop_) {
    checkpoint_cv_.wait_for(lock, kPeriod, [this] { return checkpoint_stop_; });
    if (checkpoint_stop_) break;
    std::error_code ec;
    uintmax_t size = std::filesystem::file_size(wal, ec);
    if (ec || size < kWalBytes) continue;
    lock.unlock();
    if (db == nullptr) {
      auto opened = Db::Open(opts_.path, SQLITE_OPEN_READWRITE);
      if (opened.ok()) {
        db = std::move(*opened);
        (void)db->Exec("PRAGMA busy_timeout=1000; PRAGMA wal_autocheckpoint=0");
      }
    }
    if (db != nullptr) {
      // PASSIVE copies what it can without stopping the writer. Under a
      // sustained load it never catches up, and SQLite restarts the WAL only
      // after a checkpoint that did: the WAL would grow without bound (GBs
      // in a minute of intake) and every page lookup slows down with it. So
      // once the WAL holds more than kWalRestartBytes, a RESTART checkpoint
      // (right after the PASSIVE one, little left to copy) makes the writer
      // wait for a moment and the next commit start the WAL again. It runs on
      // the writer thread, between two groups: from here it would wait for a
      // gap in the writer's back-to-back transactions that may never come.
      int64_t log_frames = 0;
      {
        auto passive = db->Prepare("PRAGMA wal_checkpoint(PASSIVE)");
        int rc = passive.ok() ? passive->Step() : SQLITE_ERROR;
        if (rc == SQLITE_ROW) {
          log_frames = passive->ColumnInt(1);
        } else {
          spdlog::warn("SQLite checkpoint of {} failed: {}", opts_.path,
                       passive.ok() ? db->Error(rc, "checkpoint").ToString() : passive.status().ToString());
        }
      }
      if (log_frames * page_size > kWalRestartBytes) {
        auto op = std::make_unique<WriteOp>();
        op->mode = WriteOp::Mode::kOutsideTransaction;
        op->durable = false;
        op->run = [](WriterContext& ctx) -> Result<Item> {
          if (Status s = ctx.db().Exec("PRAGMA wal_checkpoint(RESTART)"); !s.ok()) return s;
          return Item();
        };
        if (Status s = Submit(std::move(op)).status(); !s.ok()) {
          spdlog::warn("SQLite RESTART checkpoint of {} failed (the WAL keeps growing): {}", opts_.path, s.ToString());
        }
      }
    }
    lock.lock();
  }
}

Status SqliteStore::Flush() {
  {
    std::lock_guard lock(checkpoint_mu_);
    checkpoint_stop_ = true;
  }
  checkpoint_cv_.notify_all();
  if (checkpointer_.joinable()) checkpointer_.join();
  if (writer_) writer_->Stop();
  return Status::OK();
}

SqliteStats SqliteStore::Stats() const {
  auto s = writer_->Stats();
  return {s.groups, s.ops, s.syncs, queries_.load(std::memory_order_relaxed), scans_.load(std::memory_order_relaxed)};
}

}  // namespace aw::store
