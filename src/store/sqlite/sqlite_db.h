#pragma once

// Thin RAII wrappers over the SQLite C API for the SQLite backend: a
// connection with a prepared-statement cache, and a statement handle that
// resets itself when it goes out of scope. Errors become Status values that
// keep SQLite's own message.
//
// Thread-compatible: a Db (and the statements it hands out) is used by one
// thread at a time; connections are opened with SQLITE_OPEN_NOMUTEX.

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>

#include "base/status.h"

struct sqlite3;
struct sqlite3_stmt;

namespace aw::store::sqlite {

// Maps a SQLite result code onto a Status: busy/locked/I/O/full ->
// kUnavailable, too big -> kInvalidArgument, anything else -> kInternal.
Status SqliteStatus(int rc, sqlite3* db, const std::string& what);

// A prepared statement borrowed from a Db's cache; reset and unbound on
// destruction so the next user finds it fresh.
class Stmt {
 public:
  explicit Stmt(sqlite3_stmt* s) : s_(s) {}
  Stmt(Stmt&& o) noexcept : s_(o.s_) { o.s_ = nullptr; }
  Stmt(const Stmt&) = delete;
  Stmt& operator=(const Stmt&) = delete;
  ~Stmt();

  // Parameters are 1-based. Text is copied by SQLite (SQLITE_TRANSIENT).
  void BindText(int i, std::string_view v);
  void BindInt(int i, int64_t v);
  void BindDouble(int i, double v);
  void BindNull(int i);
  // SQLITE_ROW, SQLITE_DONE or an error code.
  int Step();
  // Columns are 0-based. The view lives until the next Step or reset.
  std::string_view ColumnText(int i);
  int ColumnBytes(int i);
  bool ColumnIsNull(int i);
  int64_t ColumnInt(int i);
  sqlite3_stmt* get() { return s_; }

 private:
  sqlite3_stmt* s_;
};

class Db {
 public:
  // `flags` are sqlite3_open_v2 flags (SQLITE_OPEN_NOMUTEX is added).
  static Result<std::unique_ptr<Db>> Open(const std::string& path, int flags);
  ~Db();
  Db(const Db&) = delete;
  Db& operator=(const Db&) = delete;

  sqlite3* get() { return db_; }
  // Runs one or more statements without results.
  Status Exec(const std::string& sql);
  // The cached statement for `sql`, prepared on first use.
  Result<Stmt> Prepare(const std::string& sql);
  // Runs a statement to completion (no rows expected).
  Status Run(Stmt& stmt, const char* what);
  Status Error(int rc, const std::string& what) { return SqliteStatus(rc, db_, what); }
  // True when no transaction is open (SQLite may roll one back on its own
  // after an I/O error, a full disk or memory exhaustion).
  bool AutoCommit() const;

 private:
  explicit Db(sqlite3* db) : db_(db) {}
  sqlite3* db_;
  std::unordered_map<std::string, sqlite3_stmt*> cache_;
};

// "name" quoted as an SQL identifier.
std::string QuoteIdent(std::string_view name);

}  // namespace aw::store::sqlite
