// The RocksDB tuning's promises about the block cache (rocks_tuning.h): an
// SST's whole index or filter block stays cached once released, and new SSTs
// get partitioned indexes and filters. Before session 8 a 2.3 MiB index was
// evicted at once from its 1 MiB cache shard and re-read on every Get.

#include <gtest/gtest.h>
#include <rocksdb/cache.h>
#include <rocksdb/table.h>

#include <string>

#include "store/rocksdb/rocks_tuning.h"
#include "store/rocksdb/rocks_writer.h"

namespace aw::store::rocks {
namespace {

const rocksdb::BlockBasedTableOptions& TableOptions(const rocksdb::Options& o) {
  const auto* t = o.table_factory->GetOptions<rocksdb::BlockBasedTableOptions>();
  EXPECT_NE(t, nullptr);
  return *t;
}

TEST(RocksTuningTest, AnIndexSizedBlockStaysInTheBlockCacheAfterRelease) {
  rocksdb::Options o = Tuned(RocksOptions{}, nullptr);
  const auto& cache = TableOptions(o).block_cache;
  ASSERT_NE(cache, nullptr);
  // The index of the 100k store's 54 MB SST was 2.3 MB; 4 MiB leaves room.
  constexpr size_t kBlock = 4u << 20;
  static char value = 0;
  auto no_delete = [](const rocksdb::Slice&, void*) {};
  // Inserted without a handle: unreferenced at once, like a block a Get has
  // finished with. A shard smaller than the block drops it there and then.
  ASSERT_TRUE(cache->Insert("index-block", &value, kBlock, no_delete).ok());
  rocksdb::Cache::Handle* h = cache->Lookup("index-block");
  ASSERT_NE(h, nullptr) << "a block of 4 MiB was evicted on release: the cache's shards are too small";
  EXPECT_EQ(cache->Value(h), &value);
  cache->Release(h);
}

TEST(RocksTuningTest, IndexAndFiltersArePartitionedAndCached) {
  // The options own the table factory that TableOptions points into: keep them.
  const rocksdb::Options options = Tuned(RocksOptions{}, nullptr);
  const auto& t = TableOptions(options);
  EXPECT_EQ(t.index_type, rocksdb::BlockBasedTableOptions::kTwoLevelIndexSearch);
  EXPECT_TRUE(t.partition_filters);
  EXPECT_NE(t.filter_policy, nullptr);
  EXPECT_TRUE(t.cache_index_and_filter_blocks);  // memory bounded by the cache
  EXPECT_TRUE(t.pin_top_level_index_and_filter);
}

// The writer's cache counts what its items hold on the heap, by capacity:
// session 8's soak found 128 MiB counted (string sizes) ≈ 185 MiB of heap.
TEST(RocksTuningTest, WriterCacheFootprintCountsCapacitiesAndNodes) {
  std::string key(40, 'k');
  std::string text(1000, 't');
  text.reserve(4000);  // a text that grew and shrank keeps its buffer
  std::vector<std::string> keys(3, std::string(60, 'e'));
  keys.reserve(8);
  const size_t n = WriterContext::Footprint(key, text, keys);
  size_t heap = key.capacity() + text.capacity() + keys.capacity() * sizeof(std::string);
  for (const auto& k : keys) heap += k.capacity();
  EXPECT_GE(n, heap + 64) << "capacities and the map node must be counted";
  EXPECT_LT(n, heap + 512) << "no more than the node and terminators on top";
  // A short key lives inside the string object (no heap of its own).
  EXPECT_LT(WriterContext::Footprint("k", "", {}), size_t{256});
}

}  // namespace
}  // namespace aw::store::rocks
