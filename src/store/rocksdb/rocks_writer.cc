#include "store/rocksdb/rocks_writer.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <exception>
#include <limits>

#include "base/metrics.h"
#include "store/item_ops.h"
#include "store/rocksdb/rocks_keys.h"

namespace aw::store::rocks {

namespace {

constexpr const char* kClosed = "the RocksDB store is closed (Flush was called)";

// The TTL entry's position: the TTL attribute's value rounded down, within
// [0, 2^64). The sweeper checks IsExpired on the item itself.
uint64_t TtlPosition(const Item& ttl) {
  double v = ttl.get<double>();
  if (!(v > 0)) return 0;
  if (v >= 1.8e19) return std::numeric_limits<uint64_t>::max();
  return static_cast<uint64_t>(std::floor(v));
}

}  // namespace

Status FromRocks(const rocksdb::Status& s, const std::string& what) {
  if (s.ok()) return Status::OK();
  std::string m = what + ": " + s.ToString();
  if (s.IsIOError() || s.IsBusy() || s.IsTimedOut() || s.IsTryAgain() || s.IsIncomplete() || s.IsAborted() ||
      s.IsShutdownInProgress()) {
    return Status::Unavailable(m);
  }
  if (s.IsInvalidArgument()) return Status::InvalidArgument(m);
  return Status::Internal(m);
}

WriterContext::WriterContext(rocksdb::DB* db, const aw::Clock* clock)
    : db_(db), clock_(clock), batch_(rocksdb::BytewiseComparator(), 0, /*overwrite_key=*/true) {}

const RTable* WriterContext::Table(const std::string& name) const {
  auto it = tables_.find(name);
  return it == tables_.end() ? nullptr : it->second.get();
}

Result<std::optional<Item>> WriterContext::ReadStored(const RTable& t, const Key& key) {
  std::string value;
  rocksdb::Status s = batch_.GetFromBatchAndDB(db_, rocksdb::ReadOptions(),
                                               ItemKey(t.id, key.pk, key.sk.value_or("")), &value);
  if (s.IsNotFound()) return std::optional<Item>();
  if (!s.ok()) return FromRocks(s, "cannot read an item of " + t.spec.name);
  Item item = Item::parse(value, nullptr, false);
  if (item.is_discarded()) return Status::Internal("stored item of " + t.spec.name + " is not valid JSON");
  return std::optional<Item>(std::move(item));
}

Result<std::optional<Item>> WriterContext::ReadLive(const RTable& t, const Key& key) {
  auto stored = ReadStored(t, key);
  if (!stored.ok() || !stored->has_value()) return stored;
  if (IsExpired(t.spec, **stored, NowSeconds())) return std::optional<Item>();
  return stored;
}

void WriterContext::IndexEntries(const RTable& t, const Key& key, const Item& item, bool remove) {
  const std::string sk = key.sk.value_or("");
  auto apply = [&](const std::string& k) {
    if (remove) {
      batch_.Delete(k);
    } else {
      batch_.Put(k, rocksdb::Slice());
    }
  };
  for (size_t i = 0; i < t.spec.indexes.size(); ++i) {
    if (auto ik = IndexKeyOf(t.spec.indexes[i], item))
      apply(IndexEntryKey(t.index_ids[i], ik->pk, ik->sk, key.pk, sk));
  }
  if (const Item* ttl = TtlOf(t.spec, item)) apply(TtlKey(t.id, TtlPosition(*ttl), key.pk, sk));
}

Status WriterContext::WriteItem(const RTable& t, const Key& key, const Item& item, const std::string& text) {
  auto old = ReadStored(t, key);
  if (!old.ok()) return old.status();
  if (old->has_value()) IndexEntries(t, key, **old, /*remove=*/true);
  batch_.Put(ItemKey(t.id, key.pk, key.sk.value_or("")), text);
  IndexEntries(t, key, item, /*remove=*/false);
  return Status::OK();
}

Status WriterContext::DeleteItem(const RTable& t, const Key& key) {
  auto old = ReadStored(t, key);
  if (!old.ok()) return old.status();
  if (!old->has_value()) return Status::OK();
  IndexEntries(t, key, **old, /*remove=*/true);
  batch_.Delete(ItemKey(t.id, key.pk, key.sk.value_or("")));
  return Status::OK();
}

Writer::Writer(rocksdb::DB* db, const std::vector<RTablePtr>& tables, const aw::Clock* clock, int max_batch,
               std::chrono::seconds sweep_every, MakeOp make_sweep, bool sync)
    : db_(db),
      ctx_(db, clock),
      max_batch_(static_cast<size_t>(std::max(1, max_batch))),
      sweep_every_(sweep_every),
      make_sweep_(std::move(make_sweep)),
      sync_(sync) {
  for (const auto& t : tables) ctx_.Install(t);
  thread_ = std::thread([this] { Loop(); });
}

Writer::~Writer() { Stop(); }

Result<Item> Writer::Submit(std::unique_ptr<WriteOp> op) {
  auto done = op->done.get_future();
  {
    std::lock_guard lock(mu_);
    if (stopping_) return Status::Unavailable(kClosed);
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
    op->Complete(Status::Unavailable(kClosed));
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
  stopped_ = true;
}

void Writer::Loop() {
  using SteadyClock = std::chrono::steady_clock;
  const bool sweeping = sweep_every_.count() > 0 && make_sweep_;
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
    if (queue_.front()->alone) {
      group.push_back(std::move(queue_.front()));
      queue_.pop_front();
    } else {
      while (!queue_.empty() && group.size() < max_batch_ && !queue_.front()->alone) {
        group.push_back(std::move(queue_.front()));
        queue_.pop_front();
      }
    }
    lock.unlock();
    RunGroup(group);
    lock.lock();
    if (ctx_.more_expired) {  // a sweep hit its limit: go on soon, bounded per pass
      ctx_.more_expired = false;
      next_sweep = std::min(next_sweep, SteadyClock::now() + kSweepAgain);
    }
  }
}

Result<Item> Writer::RunOne(WriteOp& op) {
  if (!op.run) return Item();
  try {
    return op.run(ctx_);
  } catch (const std::exception& e) {
    return Status::Internal(std::string("RocksDB store: unexpected exception: ") + e.what());
  }
}

namespace {

// The writer's figures (docs/operations.md, "Metrics"): group sizes, the
// write (with its fsync) latency, and fsyncs. Lock-free (base/metrics.h).
void ObserveWriteGroup(size_t ops, bool synced, std::chrono::steady_clock::duration took) {
  struct Series {
    metrics::Histogram& size =
        metrics::Registry::Default()
            .Histograms("aw_rocksdb_write_group_ops", "Operations per RocksDB write group (one WriteBatch).",
                        &metrics::SizeBuckets())
            .With({});
    metrics::Histogram& seconds =
        metrics::Registry::Default()
            .Histograms("aw_rocksdb_write_seconds",
                        "Time to write one group to RocksDB, its WAL fsync included.",
                        &metrics::LatencyBuckets())
            .With({});
    metrics::Counter& fsyncs =
        metrics::Registry::Default()
            .Counters("aw_rocksdb_wal_fsyncs_total", "WAL fsyncs asked for by the writer.")
            .With({});
  };
  static Series* s = new Series();  // never destroyed: the writer may outlive static destruction
  s->size.Observe(static_cast<double>(ops));
  s->seconds.Observe(std::chrono::duration<double>(took).count());
  if (synced) s->fsyncs.Inc();
}

}  // namespace

void Writer::RunGroup(std::vector<std::unique_ptr<WriteOp>>& group) {
  std::vector<Result<Item>> results;
  results.reserve(group.size());
  ctx_.batch().Clear();
  bool want_sync = false;
  for (auto& op : group) {
    ctx_.batch().SetSavePoint();
    results.push_back(RunOne(*op));
    if (results.back().ok()) {
      (void)ctx_.batch().PopSavePoint();
      want_sync = want_sync || op->durable;
    } else {
      (void)ctx_.batch().RollbackToSavePoint();
    }
  }
  want_sync = want_sync && sync_;
  const auto write_start = std::chrono::steady_clock::now();
  rocksdb::Status written;
  if (ctx_.batch().GetWriteBatch()->Count() > 0) {
    rocksdb::WriteOptions wo;
    wo.sync = want_sync;  // also syncs the WAL records of earlier deferred groups
    written = db_->Write(wo, ctx_.batch().GetWriteBatch());
  } else if (want_sync) {
    written = db_->SyncWAL();  // Sync() alone, or durable ops that wrote nothing
  }
  ctx_.batch().Clear();
  if (written.ok()) {
    groups_.fetch_add(1, std::memory_order_relaxed);
    ops_.fetch_add(group.size(), std::memory_order_relaxed);
    if (want_sync) syncs_.fetch_add(1, std::memory_order_relaxed);
    ObserveWriteGroup(group.size(), want_sync, std::chrono::steady_clock::now() - write_start);
    for (size_t i = 0; i < group.size(); ++i) {
      if (results[i].ok() && group[i]->on_commit) group[i]->on_commit(ctx_);
    }
  } else {
    Status failed = FromRocks(written, "cannot write to the RocksDB store");
    for (auto& r : results) {
      if (r.ok()) r = failed;
    }
  }
  for (size_t i = 0; i < group.size(); ++i) group[i]->Complete(std::move(results[i]));
}

}  // namespace aw::store::rocks
