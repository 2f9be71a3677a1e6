#pragma once

// Table definitions of the RocksDB backend: stored under 'm' keys with the
// ids that prefix their items and GSI entries (rocks_keys.h).

#include <rocksdb/db.h>

#include <vector>

#include "store/rocksdb/rocks_writer.h"

namespace aw::store::rocks {

// Every table defined in `db`.
Result<std::vector<RTablePtr>> LoadTables(rocksdb::DB& db);

// Defines `spec` (new table, or new indexes / TTL attribute for `old`) in the
// context's batch: a new GSI gets a fresh id and is back-filled from the
// table's items; a dropped GSI's entries are deleted; a changed TTL
// attribute rebuilds the TTL entries. REQUIRES: the op runs alone (the batch
// holds nothing else) and CheckRedefinition(old->spec, spec) passed.
Result<RTablePtr> DefineTable(WriterContext& ctx, const RTable* old, const TableSpec& spec);

}  // namespace aw::store::rocks
