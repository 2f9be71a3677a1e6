#pragma once

// The RocksDB backend's single writer: one thread evaluates every write
// (conditions, updates, RunAtomic units) in queue order and commits them in
// groups: one rocksdb::WriteBatch per group, written with
// WriteOptions::sync = true when the group holds a durable op, so many
// callers share one fsync of the WAL. Nothing is acknowledged before the
// batch holding it is written (and, for a durable op, synced).
//
// Ops of a group read through the group's pending batch
// (WriteBatchWithIndex), so each sees the writes of the ops before it. An op
// that fails is rolled back to its save point and fails alone; if RocksDB
// rejects the whole batch, every op of the group fails with kUnavailable.
//
// Thread-safe: Submit from any thread. Stop() drains the queue and stops the
// thread; later Submits fail with kUnavailable.

#include <rocksdb/db.h>
#include <rocksdb/utilities/write_batch_with_index.h>

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
#include <optional>
#include <string>
#include <thread>
#include <unordered_map>
#include <vector>

#include "base/clock.h"
#include "store/store.h"

namespace aw::store::rocks {

// A table as stored: its spec with the ids that prefix its keys.
struct RTable {
  TableSpec spec;
  uint32_t id = 0;
  std::vector<uint32_t> index_ids;  // parallel to spec.indexes
};
using RTablePtr = std::shared_ptr<const RTable>;

// kUnavailable for I/O errors, a full disk and busy states; else kInternal.
Status FromRocks(const rocksdb::Status& s, const std::string& what);

// What an op sees while it runs on the writer thread.
class WriterContext {
 public:
  // `cache_cap`: most bytes (estimated) of committed items kept after reading them.
  WriterContext(rocksdb::DB* db, const aw::Clock* clock, size_t cache_cap);
  rocksdb::DB& db() { return *db_; }
  rocksdb::WriteBatchWithIndex& batch() { return batch_; }
  int64_t NowSeconds() const { return clock_->NowSeconds(); }
  const RTable* Table(const std::string& name) const;
  const std::map<std::string, RTablePtr>& tables() const { return tables_; }
  // A table (re)defined: what was remembered of items may hold stale
  // entry keys, so it is all forgotten.
  void Install(RTablePtr t) {
    tables_[t->spec.name] = std::move(t);
    ForgetAll();
  }

  // The stored item (expired or not), reading through the pending batch.
  Result<std::optional<Item>> ReadStored(const RTable& t, const Key& key);
  // The item as reads see it: nullopt when absent or expired.
  Result<std::optional<Item>> ReadLive(const RTable& t, const Key& key);
  // Writes `item` (serialised as `text`) with its GSI and TTL entries,
  // replacing those of the item it overwrites.
  Status WriteItem(const RTable& t, const Key& key, const Item& item, const std::string& text);
  Status DeleteItem(const RTable& t, const Key& key);
  // Puts (or, with `remove`, deletes) the GSI and TTL entries of `item`.
  void IndexEntries(const RTable& t, const Key& key, const Item& item, bool remove);

  // Called by the Writer at the boundaries of ops and groups, so what
  // ReadStored and WriteItem remember follows the batch: an op that failed
  // (rolled back to its save point) leaves nothing; a group whose batch was
  // written moves what its ops read and wrote into the cache of committed
  // items; a group that failed leaves the cache without its keys.
  void EndOp(bool kept);
  void EndGroup(bool written);
  // Forgets every remembered item (table definitions change: entry keys may).
  void ForgetAll();
  // The cache of committed items as of the last group: its estimated bytes
  // (at most cache_cap) and its items. Any thread.
  size_t cache_bytes() const { return cache_bytes_seen_.load(std::memory_order_relaxed); }
  size_t cache_items() const { return cache_items_seen_.load(std::memory_order_relaxed); }
  // What one cached item costs the heap: its map node, its key, its text and
  // its entry keys by their capacities (what was allocated, not what is
  // used). jemalloc's size classes add up to 25 % on top for each string
  // (≈ 10 % on average), not counted here.
  static size_t Footprint(const std::string& item_key, const std::string& text, const std::vector<std::string>& keys);

  // Set by a sweep that hit its item limit: expired items may be left, so the
  // writer schedules the next sweep after Writer::kSweepAgain. Writer thread only.
  bool more_expired = false;
  // Per table, the TTL entry a sweep that hit its limit stopped at: the next
  // pass seeks there instead of walking again over the entries the passes
  // before it deleted (tombstones until compaction: a backlog of n expired
  // items cost O(n^2) steps). Dropped when a pass reaches the last expired
  // entry, so the next sweep starts from the beginning (entries written
  // behind the mark meanwhile are reached then). Writer thread only.
  std::map<std::string, std::string> sweep_from;

 private:
  // An item as the store holds it: its text and its GSI/TTL entry keys
  // (exists = false: no item). `read`: an op asked for it (a write alone
  // does not put an item into the cache: new alerts would evict the hot
  // incidents and pointers that are read again and again).
  struct Known {
    bool exists = false;
    bool read = false;
    bool has_text = false;  // `text` is the item's (false: written blind, not kept)
    std::string text;
    std::vector<std::string> keys;
    size_t charge = 0;  // in cache_: what it added to cache_bytes_ (Footprint)
  };
  // What the store holds for `item_key`: the op's, the group's or the
  // cache's record, else read through the batch (then remembered by the op).
  // `parsed`: set to the item when it had to be parsed here.
  Result<const Known*> Lookup(const RTable& t, const Key& key, const std::string& item_key, bool read,
                              std::optional<Item>* parsed);
  std::vector<std::string> EntryKeys(const RTable& t, const Key& key, const Item& item) const;

  rocksdb::DB* db_;
  const aw::Clock* clock_;
  rocksdb::WriteBatchWithIndex batch_;
  std::map<std::string, RTablePtr> tables_;
  // By item key. op_: the running op's reads and writes; group_: those of
  // the ops of the pending batch that succeeded; cache_: committed items
  // that were read (bounded by cache_cap_, evicted at random). All writes
  // of items go through WriteItem/DeleteItem on this thread, so the cache
  // is never stale: the writer is the store's only writer.
  std::unordered_map<std::string, Known> op_, group_, cache_;
  size_t cache_bytes_ = 0;
  const size_t cache_cap_;
  // Copies of cache_bytes_ and cache_.size() for stats readers (the writer
  // thread alone touches the cache itself).
  std::atomic<size_t> cache_bytes_seen_{0}, cache_items_seen_{0};
  void PublishCacheSize() {
    cache_bytes_seen_.store(cache_bytes_, std::memory_order_relaxed);
    cache_items_seen_.store(cache_.size(), std::memory_order_relaxed);
  }
};

struct WriteOp {
  bool alone = false;      // own group (table definitions)
  bool durable = true;     // false (defer_sync): acknowledged once written, synced later
  bool sync_only = false;  // Sync(): no write, just make earlier ones durable
  std::function<Result<Item>(WriterContext&)> run;
  std::function<void(WriterContext&)> on_commit;  // after the group's batch is written
  std::function<void(Result<Item>)> on_done;      // set: called instead of fulfilling `done`
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
  uint64_t groups = 0;       // batches written
  uint64_t ops = 0;          // ops in them
  uint64_t syncs = 0;        // fsyncs of the WAL
  uint64_t cache_bytes = 0;  // the cache of read items: estimated bytes (<= its cap)
  uint64_t cache_items = 0;  // and items
};

class Writer {
 public:
  using MakeOp = std::function<std::unique_ptr<WriteOp>()>;
  // Delay before the next sweep when one hit its limit: none, but the next
  // pass goes behind the writes queued meanwhile, so passes and writes take
  // turns: a write waits for at most one pass (RocksOptions::sweep_items).
  static constexpr std::chrono::milliseconds kSweepAgain{0};
  // `sync`: false only for benchmarks (AW_ROCKSDB_UNSAFE_NO_FSYNC).
  // `cache_bytes`: the cap of the cache of read items (WriterContext).
  Writer(rocksdb::DB* db, const std::vector<RTablePtr>& tables, const aw::Clock* clock, int max_batch,
         std::chrono::seconds sweep_every, MakeOp make_sweep, bool sync, size_t cache_bytes);
  ~Writer();
  Result<Item> Submit(std::unique_ptr<WriteOp> op);
  // Returns at once; op->on_done is called exactly once.
  void SubmitAsync(std::unique_ptr<WriteOp> op);
  void Stop();  // idempotent
  WriterStats Stats() const {
    return {groups_.load(), ops_.load(), syncs_.load(), ctx_.cache_bytes(), ctx_.cache_items()};
  }

 private:
  void Loop();
  void RunGroup(std::vector<std::unique_ptr<WriteOp>>& group);
  Result<Item> RunOne(WriteOp& op);

  rocksdb::DB* db_;
  WriterContext ctx_;
  const size_t max_batch_;
  const std::chrono::seconds sweep_every_;
  MakeOp make_sweep_;
  const bool sync_;

  std::mutex mu_;
  std::condition_variable cv_;
  std::deque<std::unique_ptr<WriteOp>> queue_;
  bool stopping_ = false;
  std::mutex stop_mu_;
  bool stopped_ = false;
  std::thread thread_;
  std::atomic<uint64_t> groups_{0}, ops_{0}, syncs_{0};
};

}  // namespace aw::store::rocks
