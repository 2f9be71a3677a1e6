#pragma once

// `alertwhisperer tables create` and `alertwhisperer tables check`.
//
// create: the 11 tables of store/tables.h (with DYNAMODB_TABLE_PREFIX on
// DynamoDB), their keys and GSIs; on-demand unless read/write capacity is
// given; waits until ACTIVE; enables TTL on `ttl` and point-in-time
// recovery where the server supports them and says so where it does not.
// Idempotent. On the embedded store (RocksDB) it creates its tables.
//
// check: lists each table with status, key schema, GSIs and item count and
// names anything missing or different. Exit code 0 when all is as designed,
// 1 when something is missing or different, 2 when the store cannot be
// reached or configured.

#include <ostream>

#include "app/config.h"

namespace aw::app {

struct TablesCreateOptions {
  int read_capacity = 0;  // both 0: on-demand
  int write_capacity = 0;
};

int RunTablesCreate(const Config& config, const TablesCreateOptions& options, std::ostream& out,
                    std::ostream& err);
int RunTablesCheck(const Config& config, std::ostream& out, std::ostream& err);

}  // namespace aw::app
