#pragma once

// Read-only connections of the SQLite backend. A thread that reads borrows a
// connection for the duration of one store call and gives it back, so there
// are at most as many connections as threads reading at the same moment, and
// each connection keeps its prepared statements across calls. Connections are
// opened lazily with SQLITE_OPEN_READONLY, PRAGMA query_only and a busy
// timeout.
//
// Thread-safe.

#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "base/status.h"
#include "store/sqlite/sqlite_db.h"

namespace aw::store::sqlite {

class ReaderPool {
 public:
  explicit ReaderPool(std::string path) : path_(std::move(path)) {}

  class Lease {
   public:
    Lease(ReaderPool* pool, std::unique_ptr<Db> db) : pool_(pool), db_(std::move(db)) {}
    Lease(Lease&&) = default;
    Lease& operator=(Lease&&) = delete;
    ~Lease();
    Db& db() { return *db_; }

   private:
    ReaderPool* pool_;
    std::unique_ptr<Db> db_;
  };

  Result<Lease> Acquire();

 private:
  const std::string path_;
  std::mutex mu_;
  std::vector<std::unique_ptr<Db>> free_;
};

}  // namespace aw::store::sqlite
