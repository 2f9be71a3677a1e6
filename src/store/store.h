#pragma once

// The store: DynamoDB's data model behind one interface, so that code written
// against the embedded RocksDB backend runs unchanged on Amazon DynamoDB.
//
// Vocabulary (as in DynamoDB):
//   - An Item is a JSON object: attribute name -> value (string, number, bool,
//     null, list, map). Key attributes are always strings.
//   - A table has a partition key and an optional sort key (TableSpec), any
//     number of global secondary indexes (GSIs, sparse: an item without the
//     index's key attributes is not in the index) and an optional TTL
//     attribute (epoch seconds; an item whose TTL is in the past is invisible
//     to every read, and is removed by a sweeper or by DynamoDB itself).
//   - Tables are named by their logical name ("Alerts"); the backend adds
//     its prefix (DYNAMODB_TABLE_PREFIX).
//
// Contract shared by every backend (checked by tests/unit/store_conformance_test.cc):
//   - Single-item operations are atomic and, once they return OK, durable.
//   - A Condition is evaluated atomically with the write it guards. When it
//     is false the call returns kConditionFailed and nothing is written.
//   - There are no multi-item transactions.
//   - Items are at most 400 KB (kMaxItemBytes: the size of the item's compact
//     JSON); a larger write fails with kInvalidArgument naming the limit.
//   - Query reads one partition, ordered by sort key (ties on a GSI ordered by
//     the table's key), at most `limit` items and at most 1 MB per page; a
//     non-empty next_page_token means "there may be more": pass it back
//     unchanged. Tokens are opaque strings.
//   - GSI reads may lag the table on DynamoDB (eventually consistent).
//
// Thread safety: every Store implementation is safe for concurrent use from
// any number of threads.
//
// Status codes: kNotFound (GetItem: no such item; any call: no such table),
// kConditionFailed, kInvalidArgument (bad key, bad request, item too large),
// kThrottled / kUnavailable (retry later), kInternal.

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "base/status.h"

namespace aw::store {

using Item = nlohmann::json;

inline constexpr size_t kMaxItemBytes = 400 * 1024;
inline constexpr size_t kMaxPageBytes = 1024 * 1024;
inline constexpr size_t kMaxBatchWrite = 25;   // per DynamoDB request; backends chunk
inline constexpr size_t kMaxBatchGet = 100;

struct Key {
  std::string pk;
  std::optional<std::string> sk;  // present iff the table has a sort key

  bool operator==(const Key&) const = default;
};

struct IndexSpec {
  std::string name;  // e.g. "email-index"
  std::string pk;    // attribute name of the index partition key
  std::optional<std::string> sk;
};

struct TableSpec {
  std::string name;  // logical name, e.g. "Alerts"
  std::string pk;
  std::optional<std::string> sk;
  std::vector<IndexSpec> indexes;
  std::optional<std::string> ttl_attribute;

  const IndexSpec* FindIndex(const std::string& index_name) const;
  // The key of `item` under this table's key schema; kInvalidArgument when a
  // key attribute is missing or not a non-empty string.
  Result<Key> KeyOf(const Item& item) const;
};

// A conjunction of clauses over top-level attributes.
struct Condition {
  enum class Op { kExists, kNotExists, kEquals, kNotEquals, kLess, kLessEq, kGreater, kGreaterEq };
  struct Clause {
    Op op;
    std::string attribute;
    Item value;  // unused for kExists / kNotExists
  };
  std::vector<Clause> clauses;  // empty: always true

  bool empty() const { return clauses.empty(); }
  static Condition ItemNotExists(const std::string& pk_attribute) { return Condition().NotExists(pk_attribute); }
  static Condition ItemExists(const std::string& pk_attribute) { return Condition().Exists(pk_attribute); }
  Condition& Exists(std::string a) { clauses.push_back({Op::kExists, std::move(a), nullptr}); return *this; }
  Condition& NotExists(std::string a) { clauses.push_back({Op::kNotExists, std::move(a), nullptr}); return *this; }
  Condition& Equals(std::string a, Item v) { clauses.push_back({Op::kEquals, std::move(a), std::move(v)}); return *this; }
  Condition& NotEquals(std::string a, Item v) { clauses.push_back({Op::kNotEquals, std::move(a), std::move(v)}); return *this; }
  Condition& Less(std::string a, Item v) { clauses.push_back({Op::kLess, std::move(a), std::move(v)}); return *this; }
  Condition& LessEq(std::string a, Item v) { clauses.push_back({Op::kLessEq, std::move(a), std::move(v)}); return *this; }
  Condition& Greater(std::string a, Item v) { clauses.push_back({Op::kGreater, std::move(a), std::move(v)}); return *this; }
  Condition& GreaterEq(std::string a, Item v) { clauses.push_back({Op::kGreaterEq, std::move(a), std::move(v)}); return *this; }
};

// Evaluates `cond` on `item` (nullptr: the item does not exist) with
// DynamoDB's semantics: comparisons are false when the attribute is missing
// or the types differ; numbers compare numerically, strings by bytes.
bool Evaluate(const Condition& cond, const Item* item);

struct UpdateAction {
  enum class Kind {
    kSet,             // SET a = :v
    kSetIfNotExists,  // SET a = if_not_exists(a, :v)
    kRemove,          // REMOVE a
    kAdd,             // ADD a :n   (number; a missing attribute counts as 0)
    kAppend,          // SET a = list_append(if_not_exists(a, []), :list)
  };
  Kind kind;
  std::string attribute;  // top-level attribute name; never a key attribute
  Item value;
};

struct GetRequest {
  std::string table;
  Key key;
  bool consistent = true;
};

// `defer_sync`: the write is applied and visible to every reader when the
// call returns, but is made durable only by the next Sync() (or by any later
// write without defer_sync). A request that makes several writes defers
// all but waits for one Sync() at the end: one fsync instead of several.
// Backends whose every write is durable ignore it.
struct PutRequest {
  std::string table;
  Item item;  // must contain the key attributes
  Condition condition;
  bool defer_sync = false;
};

struct DeleteRequest {
  std::string table;
  Key key;
  Condition condition;
  bool defer_sync = false;
};

// UpdateItem creates the item when it does not exist (as DynamoDB does);
// guard with Condition::ItemExists(pk) to forbid that.
struct UpdateRequest {
  std::string table;
  Key key;
  std::vector<UpdateAction> actions;
  Condition condition;
  bool defer_sync = false;

  UpdateRequest& Set(std::string a, Item v) { actions.push_back({UpdateAction::Kind::kSet, std::move(a), std::move(v)}); return *this; }
  UpdateRequest& SetIfNotExists(std::string a, Item v) { actions.push_back({UpdateAction::Kind::kSetIfNotExists, std::move(a), std::move(v)}); return *this; }
  UpdateRequest& Remove(std::string a) { actions.push_back({UpdateAction::Kind::kRemove, std::move(a), nullptr}); return *this; }
  UpdateRequest& Add(std::string a, Item n) { actions.push_back({UpdateAction::Kind::kAdd, std::move(a), std::move(n)}); return *this; }
  UpdateRequest& Append(std::string a, Item list) { actions.push_back({UpdateAction::Kind::kAppend, std::move(a), std::move(list)}); return *this; }
};

struct SortCondition {
  enum class Op { kNone, kEq, kLess, kLessEq, kGreater, kGreaterEq, kBetween, kBeginsWith };
  Op op = Op::kNone;
  std::string value;
  std::string value2;  // upper bound for kBetween (inclusive)
};

struct QueryRequest {
  std::string table;
  std::string index;  // empty: the table's own key
  std::string pk;     // partition key value
  SortCondition sk;
  bool forward = true;  // ascending by sort key
  int limit = 0;        // 0: no item limit (still at most 1 MB a page)
  std::string page_token;
  bool consistent = false;  // only meaningful without an index
  // Applied after `limit` items were read, as DynamoDB's FilterExpression:
  // a page may hold fewer than `limit` items and still have a next token.
  Condition filter;
};

struct QueryResult {
  std::vector<Item> items;
  std::string next_page_token;  // empty: no more
};

struct ScanRequest {
  std::string table;
  int limit = 0;
  std::string page_token;
  Condition filter;
};

struct WriteBatch {
  std::string table;
  std::vector<Item> puts;
  std::vector<Key> deletes;
  bool defer_sync = false;
};

// An atomic unit of work on an embedded store (Store::RunAtomic). Its reads
// see every write made before it and its own; nothing else writes meanwhile.
// Used only on the thread that runs the unit.
class AtomicTxn {
 public:
  virtual ~AtomicTxn() = default;
  // The item; nullopt when it is absent or expired.
  virtual Result<std::optional<Item>> Get(const std::string& table, const Key& key) = 0;
  // Unconditional put; the item holds its key and is at most kMaxItemBytes.
  virtual Status Put(const std::string& table, const Item& item) = 0;
};
using AtomicFn = std::function<Status(AtomicTxn&)>;

class Store {
 public:
  virtual ~Store() = default;

  // Creates the table if it is missing (idempotent). Returns OK when the
  // table exists with this spec afterwards.
  virtual Status CreateTable(const TableSpec& spec) = 0;
  // The spec of a table this store knows, or nullptr.
  virtual const TableSpec* FindTable(const std::string& name) const = 0;

  // kNotFound when there is no such item (or it has expired).
  virtual Result<Item> GetItem(const GetRequest& req) = 0;
  virtual Status PutItem(const PutRequest& req) = 0;
  virtual Status DeleteItem(const DeleteRequest& req) = 0;
  // Returns the item as it is after the update.
  virtual Result<Item> UpdateItem(const UpdateRequest& req) = 0;
  virtual Result<QueryResult> Query(const QueryRequest& req) = 0;
  // Items found, in no particular order; missing keys are simply absent.
  virtual Result<std::vector<Item>> BatchGetItem(const std::string& table, const std::vector<Key>& keys) = 0;
  // Unconditional puts and deletes, chunked and retried by the backend until
  // all are applied. Not atomic as a whole.
  virtual Status BatchWriteItem(const WriteBatch& batch) = 0;
  // Admin tools and migrations only: never on a request path.
  virtual Result<QueryResult> Scan(const ScanRequest& req) = 0;

  // Makes every write that returned before this call durable (see
  // defer_sync). Default: nothing to do, every write is durable already.
  virtual Status Sync() { return Status::OK(); }
  // Embedded backends only (one process owns the data): queues `fn` to run
  // atomically - all its writes or none, in order with every other write -
  // and returns at once. `done` is called exactly once, from a store thread,
  // when the writes are durable (OK) or with the error (`fn`'s own error, or
  // the store's); it must be quick. Returns false, calling neither, when the
  // backend cannot do this (DynamoDB has no such transaction).
  virtual bool RunAtomic(AtomicFn fn, std::function<void(Status)> done) {
    (void)fn;
    (void)done;
    return false;
  }

  // Makes everything acknowledged so far durable and stops background work
  // that would touch the store (used at shutdown). Idempotent.
  virtual Status Flush() = 0;
};

// Size of an item as the store counts it against kMaxItemBytes.
size_t ItemSize(const Item& item);

}  // namespace aw::store
