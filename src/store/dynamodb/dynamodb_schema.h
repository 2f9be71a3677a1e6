#pragma once

// Table definitions on DynamoDB: a TableSpec as a CreateTable request, and a
// DescribeTable answer read back and compared with the spec. Shared by the
// store (CreateTable) and the `tables create` / `tables check` commands.
//
// Thread-safe: pure functions.

#include <optional>
#include <string>
#include <vector>

#include "store/dynamodb/attribute_value.h"
#include "store/store.h"

namespace aw::store::dynamodb {

// Provisioned capacity; 0/0 means on-demand (PAY_PER_REQUEST).
struct Capacity {
  int read = 0;
  int write = 0;
  bool on_demand() const { return read <= 0 || write <= 0; }
};

Json CreateTableRequest(const TableSpec& spec, const std::string& full_name, Capacity capacity);
// One GlobalSecondaryIndexUpdates "Create" for UpdateTable.
Json CreateIndexRequest(const TableSpec& spec, const IndexSpec& index, const std::string& full_name,
                        Capacity capacity);

// What DescribeTable says about a table.
struct DescribedIndex {
  std::string name;
  std::string pk;
  std::optional<std::string> sk;
  std::string status;
};
struct DescribedTable {
  std::string name;
  std::string status;
  std::string pk;
  std::optional<std::string> sk;
  std::vector<DescribedIndex> indexes;
  int64_t item_count = 0;
  std::string billing_mode;  // PAY_PER_REQUEST | PROVISIONED
};
// `answer` is DescribeTable's answer; kInternal when it has no table.
Result<DescribedTable> ParseDescribeTable(const Json& answer);

// Every difference between what exists and `spec` (empty: none), e.g.
// "index email-index is missing".
std::vector<std::string> Differences(const TableSpec& spec, const DescribedTable& found);

// "(company_id HASH, id RANGE)".
std::string KeySchemaText(const std::string& pk, const std::optional<std::string>& sk);

}  // namespace aw::store::dynamodb
