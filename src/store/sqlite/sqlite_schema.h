#pragma once

// How logical tables are laid out in SQLite.
//
// Each logical table T is one SQL table "t:T" (WITHOUT ROWID):
//   pk TEXT, sk TEXT NOT NULL DEFAULT '' (tables without a sort key store ''),
//   item TEXT (compact JSON), ttl (the TTL attribute when it is a number, else
//   NULL), and for each GSI two columns g<slot>_pk / g<slot>_sk, NULL when the
//   item is not in the index, with a partial index "i:T:g<slot>" on
//   (g_pk, g_sk, pk, sk). PRIMARY KEY(pk, sk). A partial index "i:T:ttl"
//   serves the sweeper.
// Slots are never reused: an index added later gets fresh columns, one that is
// dropped leaves its columns unused. The meta table _aw_tables keeps each
// table's spec and slots as JSON, so a reopened database knows its tables.
//
// Everything here that writes runs on the writer connection inside the
// writer's transaction. Thread-compatible.

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "base/status.h"
#include "store/item_ops.h"
#include "store/sqlite/sqlite_db.h"
#include "store/store.h"

namespace aw::store::sqlite {

// One version of a logical table. Immutable; a changed spec makes a new one.
struct SqlTable {
  TableSpec spec;
  std::vector<int> slots;  // column slot of spec.indexes[i]
  int next_slot = 0;
  std::string ident;       // quoted SQL table name
  std::string select_sql;  // ?1 pk, ?2 sk -> item (expired or not)
  std::string get_sql;     // ?1 pk, ?2 sk, ?3 now -> item when live
  std::string upsert_sql;  // pk, sk, item, ttl, then g_pk, g_sk per index
  std::string delete_sql;  // ?1 pk, ?2 sk

  std::string IndexIdent(int slot) const;
};
using SqlTablePtr = std::shared_ptr<const SqlTable>;

// A JSON number as SQLite stores it.
struct SqlNumber {
  bool is_int = true;
  int64_t i = 0;
  double d = 0;
};

// The SQL columns of one item under one table version.
struct RowValues {
  const SqlTable* version = nullptr;
  std::string text;  // compact JSON, already size-checked
  std::optional<SqlNumber> ttl;
  std::vector<std::optional<IndexKey>> gsi;  // parallel to version->spec.indexes
};
RowValues ComputeRow(const SqlTable& t, const Item& item, std::string text);

// INSERT OR REPLACE of one row. REQUIRES: row.version == &t.
Status WriteRow(Db& db, const SqlTable& t, const Key& key, const RowValues& row);

// "Alerts" -> "t:Alerts" (unquoted).
std::string SqlTableName(const std::string& table);

Status EnsureMetaTable(Db& db);
Result<std::vector<SqlTablePtr>> LoadTables(Db& db);
// Creates the SQL table for `spec` (old == nullptr), or brings an existing
// one (same key schema) to `spec`: adds and back-fills new index columns,
// drops indexes no longer wanted, recomputes TTL values. Records the result
// in the meta table.
Result<SqlTablePtr> DefineTable(Db& db, const SqlTable* old, const TableSpec& spec);

}  // namespace aw::store::sqlite
