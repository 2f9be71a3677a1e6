#include "store/sqlite/sqlite_readers.h"

#include <sqlite3.h>

namespace aw::store::sqlite {

ReaderPool::Lease::~Lease() {
  if (db_ == nullptr) return;
  std::lock_guard lock(pool_->mu_);
  pool_->free_.push_back(std::move(db_));
}

Result<ReaderPool::Lease> ReaderPool::Acquire() {
  {
    std::lock_guard lock(mu_);
    if (!free_.empty()) {
      auto db = std::move(free_.back());
      free_.pop_back();
      return Lease(this, std::move(db));
    }
  }
  auto db = Db::Open(path_, SQLITE_OPEN_READONLY);
  if (!db.ok()) return db.status();
  if (auto s = (*db)->Exec("PRAGMA query_only=1; PRAGMA busy_timeout=5000; PRAGMA cache_size=-16384");
      !s.ok()) {
    return s;
  }
  return Lease(this, std::move(*db));
}

}  // namespace aw::store::sqlite
