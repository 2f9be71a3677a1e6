#include "store/rocksdb/rocks_store.h"

#include <rocksdb/cache.h>
#include <rocksdb/convenience.h>
#include <rocksdb/filter_policy.h>
#include <rocksdb/statistics.h>
#include <rocksdb/table.h>
#include <rocksdb/utilities/checkpoint.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <filesystem>

#include "store/item_ops.h"
#include "store/rocksdb/rocks_keys.h"
#include "store/rocksdb/rocks_tables.h"
#include "store/rocksdb/rocks_tuning.h"
#include "store/rocksdb/rocks_writer.h"

namespace aw::store {

using rocks::RTable;
using rocks::WriteOp;
using rocks::WriterContext;

namespace {

bool Supported(rocksdb::CompressionType c) {
  auto all = rocksdb::GetSupportedCompressions();
  return std::find(all.begin(), all.end(), c) != all.end();
}

}  // namespace

namespace rocks {

// 4 shards of the block cache (16 MiB each at the default 64 MiB): room for an
// unpartitioned index or filter block of SSTs written before partitioning.
constexpr int kCacheShardBits = 2;

rocksdb::Options Tuned(const RocksOptions& opts, std::shared_ptr<rocksdb::Statistics> statistics) {
  rocksdb::Options o;
  o.create_if_missing = true;
  o.max_background_jobs = 2;  // one flush + one compaction; the other core serves requests
  o.write_buffer_size = opts.memtable_bytes;
  o.max_write_buffer_number = 3;  // one active, up to two being flushed before writes stall
  o.level_compaction_dynamic_level_bytes = true;
  o.bytes_per_sync = 1u << 20;  // smooth SST write-back instead of one burst per file
  o.keep_log_file_num = 3;
  o.max_log_file_size = 4u << 20;
  o.statistics = std::move(statistics);
  rocksdb::BlockBasedTableOptions table;
  // Few shards: LRUCache's default splits 64 MiB into 64 shards of 1 MiB, and
  // a block larger than its shard is evicted as soon as it is released. A full
  // SST's index (~2.3 MiB for 64 MiB of data) and filter (~1.2 MiB) never
  // stayed cached, so every point Get read and decompressed both: 3-7 ms per
  // alert on a 100k-750k store (docs/PERFORMANCE.md, "Why the cost grew").
  table.block_cache = rocksdb::NewLRUCache(opts.block_cache_bytes, kCacheShardBits);
  table.filter_policy.reset(rocksdb::NewBloomFilterPolicy(10));  // ~1% false positives
  table.cache_index_and_filter_blocks = true;                    // memory bounded by the cache
  table.cache_index_and_filter_blocks_with_high_priority = true;
  table.pin_l0_filter_and_index_blocks_in_cache = true;
  // Partitioned index and filters: a Get reads one ~4 KiB partition of each
  // (the top level stays pinned), not the whole SST's index, so its cost does
  // not grow with the file and the cache holds only the partitions in use.
  table.index_type = rocksdb::BlockBasedTableOptions::kTwoLevelIndexSearch;
  table.partition_filters = true;
  table.metadata_block_size = 4096;
  table.pin_top_level_index_and_filter = true;
  o.table_factory.reset(rocksdb::NewBlockBasedTableFactory(table));
  // Fresh data (L0, L1) is rewritten soon: no compression there, the CPU is
  // scarcer than the disk. LZ4 above, ZSTD for the bottom level (most bytes).
  rocksdb::CompressionType mid =
      Supported(rocksdb::kLZ4Compression) ? rocksdb::kLZ4Compression : rocksdb::kNoCompression;
  o.compression_per_level = {rocksdb::kNoCompression, rocksdb::kNoCompression, mid, mid, mid, mid, mid};
  o.bottommost_compression = Supported(rocksdb::kZSTD) ? rocksdb::kZSTD : mid;
  return o;
}

}  // namespace rocks

RocksStore::RocksStore(RocksOptions opts, const aw::Clock* clock) : opts_(std::move(opts)), clock_(clock) {}

RocksStore::~RocksStore() {
  (void)Flush();
  writer_.reset();
  if (db_) (void)db_->Close();
}

Result<std::unique_ptr<RocksStore>> RocksStore::Open(const RocksOptions& opts, const aw::Clock* clock) {
  if (opts.path.empty()) return Status::InvalidArgument("RocksOptions.path must name a data directory");
  std::error_code ec;
  std::filesystem::create_directories(opts.path, ec);
  if (ec) return Status::Unavailable("cannot create directory " + opts.path + ": " + ec.message());
  std::unique_ptr<RocksStore> store(new RocksStore(opts, clock));
  store->statistics_ = rocksdb::CreateDBStatistics();
  rocksdb::DB* raw_db = nullptr;
  rocksdb::Status s = rocksdb::DB::Open(rocks::Tuned(opts, store->statistics_), opts.path, &raw_db);
  if (!s.ok()) return Status::Unavailable("cannot open the RocksDB store " + opts.path + ": " + s.ToString());
  store->db_.reset(raw_db);
  auto tables = rocks::LoadTables(*store->db_);
  if (!tables.ok()) return tables.status();
  for (const auto& t : *tables) store->Publish(t);
  RocksStore* self = store.get();
  store->writer_ = std::make_unique<rocks::Writer>(
      store->db_.get(), *tables, clock, opts.max_batch,
      std::chrono::seconds(std::max(0, opts.sweep_interval_seconds)),
      [self, items = std::max(1, opts.sweep_items)] { return self->MakeSweepOp(items, /*periodic=*/true); }, opts.sync,
      opts.writer_cache_bytes);
  return store;
}

void RocksStore::Publish(TablePtr t) {
  std::unique_lock lock(tables_mu_);
  tables_[t->spec.name] = t;
  all_versions_.push_back(std::move(t));
}

Result<RocksStore::TablePtr> RocksStore::Lookup(const std::string& name) const {
  std::shared_lock lock(tables_mu_);
  auto it = tables_.find(name);
  if (it == tables_.end()) return UnknownTable(name);
  return it->second;
}

const TableSpec* RocksStore::FindTable(const std::string& name) const {
  std::shared_lock lock(tables_mu_);
  auto it = tables_.find(name);
  return it == tables_.end() ? nullptr : &it->second->spec;
}

Result<Item> RocksStore::Submit(std::unique_ptr<WriteOp> op) { return writer_->Submit(std::move(op)); }

Status RocksStore::CreateTable(const TableSpec& spec) {
  if (auto s = ValidateTableSpec(spec); !s.ok()) return s;
  if (auto known = Lookup(spec.name); known.ok()) {
    if (auto s = CheckRedefinition((*known)->spec, spec); !s.ok()) return s;
    if (SameSpec((*known)->spec, spec)) return Status::OK();
  }
  auto defined = std::make_shared<TablePtr>();
  auto op = std::make_unique<WriteOp>();
  op->alone = true;
  op->run = [spec, defined](WriterContext& ctx) -> Result<Item> {
    const RTable* old = ctx.Table(spec.name);
    if (old != nullptr) {
      if (auto s = CheckRedefinition(old->spec, spec); !s.ok()) return s;
      if (SameSpec(old->spec, spec)) return Item();
    }
    auto t = rocks::DefineTable(ctx, old, spec);
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

std::unique_ptr<WriteOp> RocksStore::MakeSweepOp(int max_items, bool periodic) {
  auto op = std::make_unique<WriteOp>();
  op->durable = false;  // losing a sweep loses nothing: the items stay expired
  op->run = [max_items, periodic](WriterContext& ctx) -> Result<Item> {
    const int64_t now = ctx.NowSeconds();
    int64_t swept = 0;
    for (const auto& [name, t] : ctx.tables()) {
      if (!t->spec.ttl_attribute) continue;
      std::string prefix = rocks::IdPrefix(rocks::kTtlTag, t->id);
      std::string end = prefix;
      rocks::AppendU64(end, static_cast<uint64_t>(std::max<int64_t>(now, 0)) + 1);
      rocksdb::Slice upper(end);
      rocksdb::ReadOptions ro;
      ro.iterate_upper_bound = &upper;
      std::unique_ptr<rocksdb::Iterator> it(ctx.db().NewIterator(ro));
      auto mark = ctx.sweep_from.find(name);
      const bool resume = mark != ctx.sweep_from.end() && mark->second > prefix && mark->second < end;
      for (it->Seek(resume ? mark->second : prefix); it->Valid() && swept < max_items; it->Next()) {
        std::string_view rest(it->key().data() + prefix.size() + 8, it->key().size() - prefix.size() - 8);
        auto pk = rocks::ReadEscaped(rest);
        auto sk = rocks::ReadEscaped(rest);
        if (!pk || !sk) return Status::Internal("malformed TTL entry in " + name);
        Key key{*pk, t->spec.sk ? std::optional(*sk) : std::nullopt};
        auto item = ctx.ReadStored(*t, key);
        if (!item.ok()) return item.status();
        if (!item->has_value()) {
          ctx.batch().Delete(it->key());  // stale entry
          continue;
        }
        if (!IsExpired(t->spec, **item, now)) continue;  // a fraction of a second left
        if (Status s = ctx.DeleteItem(*t, key); !s.ok()) return s;
        ++swept;
      }
      if (Status s = rocks::FromRocks(it->status(), "cannot find expired items in " + name); !s.ok())
        return s;
      if (it->Valid()) {
        ctx.sweep_from[name] = it->key().ToString();  // stopped by the limit: go on from here
      } else {
        ctx.sweep_from.erase(name);  // every expired entry seen: start over next time
      }
    }
    // A periodic pass that hit its limit: the writer sweeps again at once
    // (an explicit SweepExpired call decides for itself).
    if (periodic && swept >= max_items) ctx.more_expired = true;
    return Item(swept);
  };
  return op;
}

Result<size_t> RocksStore::SweepExpired(int max_items) {
  if (max_items <= 0) return size_t{0};
  auto r = Submit(MakeSweepOp(max_items, /*periodic=*/false));
  if (!r.ok()) return r.status();
  return r->get<size_t>();
}

Status RocksStore::Sync() {
  auto op = std::make_unique<WriteOp>();
  op->sync_only = true;  // a durable op that writes nothing: the group syncs the WAL
  return Submit(std::move(op)).status();
}

Status RocksStore::Flush() {
  if (writer_) writer_->Stop();
  if (db_ && opts_.sync) return rocks::FromRocks(db_->SyncWAL(), "cannot sync the RocksDB WAL");
  return Status::OK();
}

Status RocksStore::Backup(const std::string& dir) {
  if (Status s = Sync(); !s.ok()) return s;
  rocksdb::Checkpoint* raw = nullptr;
  if (auto s = rocksdb::Checkpoint::Create(db_.get(), &raw); !s.ok())
    return rocks::FromRocks(s, "cannot back up");
  std::unique_ptr<rocksdb::Checkpoint> cp(raw);
  return rocks::FromRocks(cp->CreateCheckpoint(dir), "cannot back up the RocksDB store to " + dir);
}

RocksStats RocksStore::Stats() const {
  auto s = writer_->Stats();
  return {s.groups,
          s.ops,
          s.syncs,
          queries_.load(std::memory_order_relaxed),
          scans_.load(std::memory_order_relaxed),
          s.cache_bytes,
          s.cache_items};
}

nlohmann::json RocksStore::EngineStats() const {
  auto prop = [&](const char* name) -> uint64_t {
    uint64_t v = 0;
    return db_->GetIntProperty(name, &v) ? v : 0;
  };
  auto ticker = [&](rocksdb::Tickers t) { return statistics_->getTickerCount(t); };
  std::map<std::string, std::string> cf;
  (void)db_->GetMapProperty(rocksdb::DB::Properties::kCFStats, &cf);
  auto cf_num = [&](const char* name) -> uint64_t {
    auto it = cf.find(name);
    return it == cf.end() ? 0 : static_cast<uint64_t>(std::llround(std::atof(it->second.c_str())));
  };
  uint64_t hits = ticker(rocksdb::BLOCK_CACHE_HIT), misses = ticker(rocksdb::BLOCK_CACHE_MISS);
  uint64_t cur_mem = prop("rocksdb.cur-size-all-mem-tables"), all_mem = prop("rocksdb.size-all-mem-tables");
  return {
      {"write_stall_micros", ticker(rocksdb::STALL_MICROS)},
      {"write_stops", cf_num("io_stalls.total_stop")},
      {"write_slowdowns", cf_num("io_stalls.total_slowdown")},
      {"is_write_stopped", prop("rocksdb.is-write-stopped") != 0},
      {"compactions", cf_num("compaction.Sum.CompCount")},
      {"compactions_running", prop("rocksdb.num-running-compactions")},
      {"compaction_pending", prop("rocksdb.compaction-pending") != 0},
      {"compaction_bytes_written", ticker(rocksdb::COMPACT_WRITE_BYTES)},
      {"flush_bytes_written", ticker(rocksdb::FLUSH_WRITE_BYTES)},
      {"wal_syncs", ticker(rocksdb::WAL_FILE_SYNCED)},
      {"wal_bytes", ticker(rocksdb::WAL_FILE_BYTES)},
      {"memtable_bytes", cur_mem},
      {"block_cache_bytes", prop("rocksdb.block-cache-usage")},
      // Memtables still pinned (by iterators) after their flush, on top of memtable_bytes.
      {"memtable_pinned_bytes", all_mem > cur_mem ? all_mem - cur_mem : 0},
      // Index and filter blocks outside the block cache (none with cache_index_and_filter_blocks).
      {"table_readers_bytes", prop("rocksdb.estimate-table-readers-mem")},
      {"block_cache_hits", hits},
      {"block_cache_misses", misses},
      {"block_cache_hit_rate", hits + misses == 0 ? 0.0 : double(hits) / double(hits + misses)},
      {"sst_bytes", prop("rocksdb.total-sst-files-size")},
      {"estimated_keys", prop("rocksdb.estimate-num-keys")},
  };
}

}  // namespace aw::store
