#pragma once

// DynamoStore: the store contract (store/store.h) on Amazon DynamoDB, or any
// server of its JSON API (dynalite in tests), through DynamoClient.
//
// Mapping:
//   - Tables are named <table_prefix><logical name>; every key attribute and
//     GSI key attribute is of type S; GSIs project ALL attributes.
//   - Items convert to AttributeValues exactly (attribute_value.h).
//   - Conditions and updates become ConditionExpression / UpdateExpression
//     with placeholders (expressions.h). UpdateItem returns ALL_NEW.
//   - TTL: the store hides expired items itself, on every read and in every
//     condition, using the injected clock; DynamoDB's own TTL (enabled by
//     `tables create` where the server has it) deletes them later. An
//     update of an expired item deletes it first (guarded on its TTL), so
//     the update starts afresh as on every other backend.
//   - Query and Scan pages are assembled here (limit, 1 MB of JSON, filter,
//     expired items skipped) from DynamoDB's own pages; page tokens are the
//     store's PageToken and resume through ExclusiveStartKey.
//   - BatchGetItem / BatchWriteItem go in chunks of 100 / 25, duplicates
//     folded as the contract says (puts in order, then deletes); unprocessed
//     keys and items are retried with backoff.
//
// Differences from the local backends (named in the conformance suite):
//   - Ties on a GSI key come back in DynamoDB's order, not table-key order;
//     Scan walks in hash order.
//   - A GSI key attribute must be a non-empty string (DynamoDB rejects the
//     write: kInvalidArgument naming the attribute and index).
//   - DynamoDB measures the 400 KB limit of an update in its own way.
//   - An index can be added to an existing table only where UpdateTable
//     supports it (AWS yes, dynalite no).
//
// Sync() and defer_sync: nothing to do, every call is durable when it returns.
//
// Thread-safe. Flush() is a no-op (nothing is buffered).

#include <map>
#include <memory>
#include <shared_mutex>
#include <string>
#include <vector>

#include "base/clock.h"
#include "store/dynamodb/dynamodb_client.h"
#include "store/store.h"

namespace aw::store {

struct DynamoOptions {
  dynamodb::ClientOptions client;
  std::string table_prefix = "AlertWhisperer_";
  // CreateTable creates a missing table or index (tests, `tables create`).
  // When false it only checks that the table exists with this key schema
  // and these indexes (server start: tables are created by the operator).
  bool create_missing = true;
  // Capacity of tables and indexes created here; 0: on-demand.
  int read_capacity = 0;
  int write_capacity = 0;
  int wait_active_seconds = 300;
};

class DynamoStore final : public Store {
 public:
  // REQUIRES: clock (and http, when given) outlive the store.
  DynamoStore(DynamoOptions options, const aw::Clock* clock, const clients::HttpClient* http = nullptr);
  ~DynamoStore() override;

  Status CreateTable(const TableSpec& spec) override;
  const TableSpec* FindTable(const std::string& name) const override;
  Result<Item> GetItem(const GetRequest& req) override;
  Status PutItem(const PutRequest& req) override;
  Status DeleteItem(const DeleteRequest& req) override;
  Result<Item> UpdateItem(const UpdateRequest& req) override;
  Result<QueryResult> Query(const QueryRequest& req) override;
  Result<std::vector<Item>> BatchGetItem(const std::string& table, const std::vector<Key>& keys) override;
  Status BatchWriteItem(const WriteBatch& batch) override;
  Result<QueryResult> Scan(const ScanRequest& req) override;
  Status Flush() override { return Status::OK(); }

  // The DynamoDB name of logical table `name`.
  std::string FullName(const std::string& name) const { return options_.table_prefix + name; }
  const dynamodb::DynamoClient& client() const { return client_; }
  dynamodb::CallStats Stats() const { return client_.Stats(); }
  const DynamoOptions& options() const { return options_; }

  // Polls DescribeTable until the table and all its indexes are ACTIVE.
  Status WaitActive(const std::string& full_name) const;

 private:
  Result<const TableSpec*> Lookup(const std::string& name) const;
  // A Status of a call on `table`, with what an operator needs to act on it.
  Status Annotate(const Status& s, const char* op, const TableSpec& spec) const;
  Status CheckIndexKeys(const TableSpec& spec, const Item& item) const;
  Result<dynamodb::Json> KeyJson(const TableSpec& spec, const Key& key) const;
  // The stored item, expired or not; null when there is none.
  Result<Item> GetRaw(const TableSpec& spec, const Key& key, bool consistent);
  Status EnsureIndexes(const TableSpec& spec, const dynamodb::Json& table_desc);
  // PutItem or DeleteItem (`op`) of `body` under `condition` (an expired
  // item counts as absent).
  Status ConditionalWrite(const char* op, const TableSpec& spec, const Condition& condition, dynamodb::Json body);
  // Query or Scan (`op`) from `body` until a page of at most `limit` items
  // (0: any number) and kMaxPageBytes is full, following LastEvaluatedKey.
  Result<QueryResult> ReadPages(const char* op, const TableSpec& spec, const IndexSpec* index, dynamodb::Json body,
                                int limit, const Condition& filter);

  const DynamoOptions options_;
  const aw::Clock* clock_;
  dynamodb::DynamoClient client_;

  mutable std::shared_mutex mu_;
  std::map<std::string, const TableSpec*> tables_;
  std::vector<std::unique_ptr<TableSpec>> all_versions_;  // keeps FindTable's pointers valid
};

}  // namespace aw::store
