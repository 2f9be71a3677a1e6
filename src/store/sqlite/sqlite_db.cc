#include "store/sqlite/sqlite_db.h"

#include <sqlite3.h>

namespace aw::store::sqlite {

Status SqliteStatus(int rc, sqlite3* db, const std::string& what) {
  std::string msg = what + ": " + (db != nullptr ? sqlite3_errmsg(db) : sqlite3_errstr(rc)) + " (" +
                    sqlite3_errstr(rc) + ")";
  switch (rc & 0xFF) {
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
    case SQLITE_IOERR:
    case SQLITE_FULL:
    case SQLITE_CANTOPEN:
    case SQLITE_PROTOCOL:
    case SQLITE_READONLY:
      return Status::Unavailable(std::move(msg));
    case SQLITE_TOOBIG:
      return Status::InvalidArgument(std::move(msg));
    default:
      return Status::Internal(std::move(msg));
  }
}

Stmt::~Stmt() {
  if (s_ != nullptr) {
    sqlite3_reset(s_);
    sqlite3_clear_bindings(s_);
  }
}

void Stmt::BindText(int i, std::string_view v) {
  // A default-constructed view has a null data(): SQLite would bind NULL,
  // which never equals the '' stored for a missing sort key.
  sqlite3_bind_text64(s_, i, v.data() != nullptr ? v.data() : "", v.size(), SQLITE_TRANSIENT, SQLITE_UTF8);
}
void Stmt::BindInt(int i, int64_t v) { sqlite3_bind_int64(s_, i, v); }
void Stmt::BindDouble(int i, double v) { sqlite3_bind_double(s_, i, v); }
void Stmt::BindNull(int i) { sqlite3_bind_null(s_, i); }
int Stmt::Step() { return sqlite3_step(s_); }

std::string_view Stmt::ColumnText(int i) {
  const auto* p = reinterpret_cast<const char*>(sqlite3_column_text(s_, i));
  if (p == nullptr) return {};
  return {p, static_cast<size_t>(sqlite3_column_bytes(s_, i))};
}
int Stmt::ColumnBytes(int i) { return sqlite3_column_bytes(s_, i); }
bool Stmt::ColumnIsNull(int i) { return sqlite3_column_type(s_, i) == SQLITE_NULL; }
int64_t Stmt::ColumnInt(int i) { return sqlite3_column_int64(s_, i); }

Result<std::unique_ptr<Db>> Db::Open(const std::string& path, int flags) {
  sqlite3* raw = nullptr;
  int rc = sqlite3_open_v2(path.c_str(), &raw, flags | SQLITE_OPEN_NOMUTEX, nullptr);
  if (rc != SQLITE_OK) {
    Status s = SqliteStatus(rc, raw, "cannot open SQLite database " + path);
    sqlite3_close_v2(raw);
    return s;
  }
  sqlite3_extended_result_codes(raw, 1);
  return std::unique_ptr<Db>(new Db(raw));
}

Db::~Db() {
  for (auto& [sql, stmt] : cache_) sqlite3_finalize(stmt);
  sqlite3_close_v2(db_);
}

Status Db::Exec(const std::string& sql) {
  char* err = nullptr;
  int rc = sqlite3_exec(db_, sql.c_str(), nullptr, nullptr, &err);
  if (rc == SQLITE_OK) return Status::OK();
  std::string what = "SQL failed (" + sql.substr(0, 80) + ")";
  sqlite3_free(err);
  return Error(rc, what);
}

Result<Stmt> Db::Prepare(const std::string& sql) {
  auto it = cache_.find(sql);
  if (it != cache_.end()) return Stmt(it->second);
  sqlite3_stmt* s = nullptr;
  int rc = sqlite3_prepare_v3(db_, sql.c_str(), static_cast<int>(sql.size()), SQLITE_PREPARE_PERSISTENT, &s,
                              nullptr);
  if (rc != SQLITE_OK) return Error(rc, "cannot prepare (" + sql.substr(0, 80) + ")");
  cache_.emplace(sql, s);
  return Stmt(s);
}

Status Db::Run(Stmt& stmt, const char* what) {
  int rc;
  while ((rc = stmt.Step()) == SQLITE_ROW) {
  }
  if (rc != SQLITE_DONE) return Error(rc, what);
  return Status::OK();
}

bool Db::AutoCommit() const { return sqlite3_get_autocommit(db_) != 0; }

std::string QuoteIdent(std::string_view name) {
  std::string out = "\"";
  for (char c : name) {
    if (c == '"') out += '"';
    out += c;
  }
  out += '"';
  return out;
}

}  // namespace aw::store::sqlite
