#pragma once

// The RocksDB options the store opens its database with (rocks_store.cc);
// declared here so that tests can check the properties the tuning promises.

#include <rocksdb/options.h>
#include <rocksdb/statistics.h>

#include <memory>

#include "store/rocksdb/rocks_store.h"

namespace aw::store::rocks {

// The tuning for a 2-core machine (docs/operations.md gives the reason for
// each value). Its block cache holds a block of several MiB (a whole SST's
// index or filter) once the reader releases it.
rocksdb::Options Tuned(const RocksOptions& opts, std::shared_ptr<rocksdb::Statistics> statistics);

}  // namespace aw::store::rocks
