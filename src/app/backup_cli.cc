#include "app/backup_cli.h"

#include <sys/stat.h>

#include <filesystem>

#include "store/rocksdb/rocks_store.h"

namespace aw::app {

namespace fs = std::filesystem;

int RunBackup(const Config& config, const std::string& dir, std::ostream& out, std::ostream& err) {
  if (config.store != "rocksdb") {
    err << "alertwhisperer: backup copies a RocksDB data directory (AW_STORE=rocksdb); AW_STORE is "
        << config.store << " (use DynamoDB's point-in-time recovery)" << std::endl;
    return 2;
  }
  std::error_code ec;
  if (fs::exists(dir, ec)) {
    err << "alertwhisperer: backup failed: " << dir << " exists already (give a new directory)" << std::endl;
    return 2;
  }
  fs::create_directories(dir, ec);
  if (ec) {
    err << "alertwhisperer: backup failed: cannot create " << dir << ": " << ec.message() << std::endl;
    return 2;
  }
  ::chmod(dir.c_str(), 0700);
  auto keys = store::RocksStore::CopyLive(config.data_dir + "/rocksdb", dir + "/rocksdb");
  if (!keys.ok()) {
    err << "alertwhisperer: backup failed: " << keys.status().message() << std::endl;
    fs::remove_all(dir, ec);
    return 2;
  }
  for (const char* name : {"master.key", "jwt_secret"}) {
    fs::path from = fs::path(config.data_dir) / name;
    if (!fs::exists(from, ec)) continue;  // set by configuration instead (AW_MASTER_KEY, JWT_SECRET)
    fs::copy_file(from, fs::path(dir) / name, ec);
    if (ec) {
      err << "alertwhisperer: backup failed: cannot copy " << from.string() << ": " << ec.message()
          << std::endl;
      fs::remove_all(dir, ec);
      return 2;
    }
    ::chmod((fs::path(dir) / name).c_str(), 0600);
  }
  out << "Backed up " << *keys << " keys of " << config.data_dir << " to " << dir << std::endl;
  return 0;
}

}  // namespace aw::app
