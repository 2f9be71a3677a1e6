#include "store/rocksdb/rocks_writer.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <exception>
#include <limits>

#include "base/metrics.h"
#include "base/thread_name.h"
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

WriterContext::WriterContext(rocksdb::DB* db, const aw::Clock* clock, size_t cache_cap)
    : db_(db),
      clock_(clock),
      batch_(rocksdb::BytewiseComparator(), 0, /*overwrite_key=*/true),
      cache_cap_(cache_cap) {}

const RTable* WriterContext::Table(const std::string& name) const {
  auto it = tables_.find(name);
  return it == tables_.end() ? nullptr : it->second.get();
}

Result<const WriterContext::Known*> WriterContext::Lookup(const RTable& t, const Key& key,
                                                          const std::string& item_key, bool read,
                                                          std::optional<Item>* parsed) {
  for (auto* m : {&op_, &group_, &cache_}) {
    auto it = m->find(item_key);
    if (it == m->end()) continue;
    const Known& k = it->second;
    if (!read || !k.exists || k.has_text) return &k;
    break;  // known, but not its text (written blind): read it through the batch
  }
  std::string value;
  rocksdb::Status s = batch_.GetFromBatchAndDB(db_, rocksdb::ReadOptions(), item_key, &value);
  if (!s.ok() && !s.IsNotFound()) return FromRocks(s, "cannot read an item of " + t.spec.name);
  Known k;
  // Only items found existing count as read: a key read while absent and
  // then written (a repeat claim, a new correlation key) is written once and
  // rarely read again, and would crowd the hot incidents out of the cache.
  k.read = read && s.ok();
  k.has_text = read;
  if (s.ok()) {
    Item item = Item::parse(value, nullptr, false);
    if (item.is_discarded()) return Status::Internal("stored item of " + t.spec.name + " is not valid JSON");
    k.exists = true;
    k.keys = EntryKeys(t, key, item);
    if (read) k.text = std::move(value);
    if (parsed != nullptr) *parsed = std::move(item);
  }
  Known& slot = op_[item_key];
  slot = std::move(k);
  return &slot;
}

Result<std::optional<Item>> WriterContext::ReadStored(const RTable& t, const Key& key) {
  std::optional<Item> parsed;
  auto known = Lookup(t, key, ItemKey(t.id, key.pk, key.sk.value_or("")), /*read=*/true, &parsed);
  if (!known.ok()) return known.status();
  if (!(*known)->exists) return std::optional<Item>();
  if (parsed) return parsed;
  Item item = Item::parse((*known)->text, nullptr, false);
  if (item.is_discarded()) return Status::Internal("stored item of " + t.spec.name + " is not valid JSON");
  return std::optional<Item>(std::move(item));
}

Result<std::optional<Item>> WriterContext::ReadLive(const RTable& t, const Key& key) {
  auto stored = ReadStored(t, key);
  if (!stored.ok() || !stored->has_value()) return stored;
  if (IsExpired(t.spec, **stored, NowSeconds())) return std::optional<Item>();
  return stored;
}

std::vector<std::string> WriterContext::EntryKeys(const RTable& t, const Key& key, const Item& item) const {
  std::vector<std::string> keys;
  const std::string sk = key.sk.value_or("");
  for (size_t i = 0; i < t.spec.indexes.size(); ++i) {
    if (auto ik = IndexKeyOf(t.spec.indexes[i], item))
      keys.push_back(IndexEntryKey(t.index_ids[i], ik->pk, ik->sk, key.pk, sk));
  }
  if (const Item* ttl = TtlOf(t.spec, item)) keys.push_back(TtlKey(t.id, TtlPosition(*ttl), key.pk, sk));
  return keys;
}

void WriterContext::IndexEntries(const RTable& t, const Key& key, const Item& item, bool remove) {
  for (const auto& k : EntryKeys(t, key, item)) {
    if (remove) {
      batch_.Delete(k);
    } else {
      batch_.Put(k, rocksdb::Slice());
    }
  }
}

Status WriterContext::WriteItem(const RTable& t, const Key& key, const Item& item, const std::string& text) {
  std::string item_key = ItemKey(t.id, key.pk, key.sk.value_or(""));
  auto known = Lookup(t, key, item_key, /*read=*/false, nullptr);
  if (!known.ok()) return known.status();
  const Known& old = **known;
  // Only the entries that change: an update that keeps an index key (most
  // do: an incident joined by an alert keeps its status and shard) would
  // otherwise cost a delete and a put of the same key in the memtable and
  // the WAL. The old entries are in the store (written with the old item).
  std::vector<std::string> keys = EntryKeys(t, key, item);
  auto in = [](const std::vector<std::string>& v, const std::string& k) {
    return std::find(v.begin(), v.end(), k) != v.end();  // a handful of keys: no set needed
  };
  for (const auto& k : old.keys) {
    if (!in(keys, k)) batch_.Delete(k);
  }
  batch_.Put(item_key, text);
  for (const auto& k : keys) {
    if (!in(old.keys, k)) batch_.Put(k, rocksdb::Slice());
  }
  Known next;
  next.exists = true;
  next.read = old.read;  // an item read before stays in the cache with its new text
  next.has_text = old.read;
  if (next.has_text) next.text = text;
  next.keys = std::move(keys);
  op_.insert_or_assign(std::move(item_key), std::move(next));
  return Status::OK();
}

Status WriterContext::DeleteItem(const RTable& t, const Key& key) {
  std::string item_key = ItemKey(t.id, key.pk, key.sk.value_or(""));
  auto known = Lookup(t, key, item_key, /*read=*/false, nullptr);
  if (!known.ok()) return known.status();
  if (!(*known)->exists) return Status::OK();
  for (const auto& k : (*known)->keys) batch_.Delete(k);
  batch_.Delete(item_key);
  Known gone;
  gone.read = (*known)->read;
  gone.has_text = true;
  op_.insert_or_assign(std::move(item_key), std::move(gone));
  return Status::OK();
}

namespace {
// Heap bytes of a string: nothing while it fits in the object (SSO).
size_t HeapBytes(const std::string& s) { return s.capacity() > 15 ? s.capacity() + 1 : 0; }
}  // namespace

size_t WriterContext::Footprint(const std::string& item_key, const std::string& text,
                                const std::vector<std::string>& keys) {
  // An unordered_map node holds the pair, the next pointer and the cached
  // hash; the bucket array adds about a pointer per element.
  size_t n = sizeof(std::pair<const std::string, Known>) + 3 * sizeof(void*);
  n += HeapBytes(item_key) + HeapBytes(text) + keys.capacity() * sizeof(std::string);
  for (const auto& k : keys) n += HeapBytes(k);
  return n;
}

void WriterContext::EndOp(bool kept) {
  if (kept) {
    for (auto& [k, v] : op_) group_.insert_or_assign(k, std::move(v));
  }
  op_.clear();
}

void WriterContext::EndGroup(bool written) {
  for (auto& [k, v] : group_) {
    auto it = cache_.find(k);
    if (it != cache_.end()) {
      cache_bytes_ -= it->second.charge;
      cache_.erase(it);
    }
    if (!written || !v.read || (v.exists && !v.has_text)) continue;
    auto in = cache_.emplace(k, std::move(v)).first;
    in->second.charge = Footprint(in->first, in->second.text, in->second.keys);
    cache_bytes_ += in->second.charge;
  }
  group_.clear();
  op_.clear();
  while (cache_bytes_ > cache_cap_ && !cache_.empty()) {
    auto victim = cache_.begin();  // the first in bucket order: as good as random here
    cache_bytes_ -= victim->second.charge;
    cache_.erase(victim);
  }
  PublishCacheSize();
}

void WriterContext::ForgetAll() {
  op_.clear();
  group_.clear();
  cache_.clear();
  cache_bytes_ = 0;
  PublishCacheSize();
}

Writer::Writer(rocksdb::DB* db, const std::vector<RTablePtr>& tables, const aw::Clock* clock, int max_batch,
               std::chrono::seconds sweep_every, MakeOp make_sweep, bool sync, size_t cache_bytes)
    : db_(db),
      ctx_(db, clock, cache_bytes),
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
  SetThreadName("aw-store-writer");
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
    ctx_.EndOp(results.back().ok());
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
  ctx_.EndGroup(written.ok());
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
