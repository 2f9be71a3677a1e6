#pragma once

// `alertwhisperer backup DIR`: an online backup of the RocksDB data
// directory (AW_STORE=rocksdb), taken while the server runs or not.
//
// DIR (must not exist) becomes a complete data directory: `rocksdb/` (a
// consistent copy holding every write acknowledged before the command
// started; RocksStore::CopyLive) and the `master.key` and `jwt_secret` files
// (mode 0600), without which the stored API keys and secrets could not be
// read. Restore: stop the server and start it with AW_DATA_DIR=DIR (or copy
// DIR's contents into the data directory). Exit code 0 on success, 2 with a
// sentence on stderr otherwise (other stores: how to back them up instead).

#include <ostream>
#include <string>

#include "app/config.h"

namespace aw::app {

int RunBackup(const Config& config, const std::string& dir, std::ostream& out, std::ostream& err);

}  // namespace aw::app
