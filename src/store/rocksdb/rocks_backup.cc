// RocksStore::CopyLive: a consistent copy of a RocksDB store that another
// process (the server) may be writing, read through a secondary instance.

#include <rocksdb/db.h>
#include <rocksdb/options.h>
#include <stdlib.h>

#include <filesystem>
#include <memory>

#include "store/rocksdb/rocks_store.h"
#include "store/rocksdb/rocks_writer.h"

namespace aw::store {

namespace {

// Removes a directory when it goes out of scope.
struct TempDirGuard {
  std::string path;
  ~TempDirGuard() {
    std::error_code ec;
    if (!path.empty()) std::filesystem::remove_all(path, ec);
  }
};

Result<std::unique_ptr<rocksdb::DB>> OpenSecondary(const std::string& primary, const std::string& scratch) {
  rocksdb::Options o;
  o.max_open_files = -1;  // required of a secondary: files the primary deletes stay readable
  o.keep_log_file_num = 1;
  rocksdb::DB* raw = nullptr;
  rocksdb::Status s = rocksdb::DB::OpenAsSecondary(o, primary, scratch, &raw);
  if (!s.ok())
    return Status::Unavailable("cannot open the RocksDB store " + primary + " to copy it: " + s.ToString());
  std::unique_ptr<rocksdb::DB> db(raw);
  // Replays the primary's MANIFEST and WAL: every acknowledged write is seen.
  if (auto c = db->TryCatchUpWithPrimary(); !c.ok())
    return rocks::FromRocks(c, "cannot catch up with " + primary);
  return db;
}

}  // namespace

Result<uint64_t> RocksStore::CopyLive(const std::string& primary, const std::string& dest) {
  std::error_code ec;
  if (!std::filesystem::is_directory(primary, ec)) {
    return Status::InvalidArgument("no RocksDB store at " + primary);
  }
  if (std::filesystem::exists(dest, ec)) return Status::InvalidArgument(dest + " exists already");
  std::string tmpl = (std::filesystem::temp_directory_path(ec) / "aw-backup-XXXXXX").string();
  if (mkdtemp(tmpl.data()) == nullptr)
    return Status::Unavailable("cannot create a scratch directory " + tmpl);
  TempDirGuard scratch{tmpl};
  Result<std::unique_ptr<rocksdb::DB>> src = Status::Internal("not opened");
  // The primary may delete a file between listing and opening it: retry.
  for (int attempt = 0; attempt < 3; ++attempt) {
    src = OpenSecondary(primary, scratch.path);
    if (src.ok()) break;
  }
  if (!src.ok()) return src.status();

  rocksdb::Options out_opts;
  out_opts.create_if_missing = true;
  out_opts.error_if_exists = true;
  rocksdb::DB* raw = nullptr;
  if (auto s = rocksdb::DB::Open(out_opts, dest, &raw); !s.ok()) {
    return rocks::FromRocks(s, "cannot create the copy at " + dest);
  }
  std::unique_ptr<rocksdb::DB> out(raw);
  rocksdb::WriteOptions wo;
  wo.disableWAL = true;  // made durable by the Flush below
  std::unique_ptr<rocksdb::Iterator> it((*src)->NewIterator(rocksdb::ReadOptions()));
  rocksdb::WriteBatch batch;
  uint64_t keys = 0;
  for (it->SeekToFirst(); it->Valid(); it->Next()) {
    batch.Put(it->key(), it->value());
    ++keys;
    if (batch.GetDataSize() >= (4u << 20)) {
      if (auto s = out->Write(wo, &batch); !s.ok()) return rocks::FromRocks(s, "cannot write the copy");
      batch.Clear();
    }
  }
  if (auto s = it->status(); !s.ok()) return rocks::FromRocks(s, "cannot read " + primary);
  if (auto s = out->Write(wo, &batch); !s.ok()) return rocks::FromRocks(s, "cannot write the copy");
  rocksdb::FlushOptions fo;
  fo.wait = true;
  if (auto s = out->Flush(fo); !s.ok()) return rocks::FromRocks(s, "cannot flush the copy");
  if (auto s = out->Close(); !s.ok()) return rocks::FromRocks(s, "cannot close the copy");
  return keys;
}

}  // namespace aw::store
