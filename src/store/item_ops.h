#pragma once

// The item semantics every local backend shares (DynamoDB's rules, written
// once): request validation, update actions, TTL, GSI membership, sort-key
// ranges and page assembly. MemoryStore is the reference model built from
// these pieces; RocksStore uses the same pieces so that the two differ only
// in storage. Thread-safe (pure functions, except PageBuilder which is a
// plain value).

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "base/status.h"
#include "store/page_token.h"
#include "store/store.h"

namespace aw::store {

// ---- Errors with one wording across backends.
Status UnknownTable(const std::string& table);
Status ItemTooLarge(const std::string& table, size_t bytes);
// kConditionFailed for operation `op` ("PutItem") on `table`.
Status ConditionFalse(const char* op, const std::string& table);

// ---- Validation. Each returns kInvalidArgument naming what is wrong.
// Names: 1..255 of [A-Za-z0-9_.-]; key attributes non-empty and distinct.
Status ValidateTableSpec(const TableSpec& spec);
// Whether two specs describe the same key schema (name, pk, sk), and the
// same table altogether (also indexes, in order, and TTL attribute).
bool SameKeySchema(const TableSpec& a, const TableSpec& b);
bool SameIndex(const IndexSpec& a, const IndexSpec& b);
bool SameSpec(const TableSpec& a, const TableSpec& b);
// kAlreadyExists when `existing` and `wanted` differ in their key schema
// (indexes and the TTL attribute may change: CreateTable then updates them).
Status CheckRedefinition(const TableSpec& existing, const TableSpec& wanted);
// `key.sk` is present iff the table has a sort key; key values non-empty.
Status ValidateKey(const TableSpec& spec, const Key& key);
Status ValidateCondition(const Condition& cond);
// Static checks of an update: attributes non-empty, distinct and not key
// attributes; ADD takes a number, Append a list.
Status ValidateUpdate(const TableSpec& spec, const UpdateRequest& req);

// Compact JSON of `item`, at most kMaxItemBytes. kInvalidArgument when the
// item is not an object, holds a string that is not UTF-8, or is too large.
Result<std::string> SerializeItem(const TableSpec& spec, const Item& item);

// The item holding only `key`'s attributes.
Item KeyItem(const TableSpec& spec, const Key& key);

// ---- TTL: an item whose TTL attribute is a number <= now is expired.
bool IsExpired(const TableSpec& spec, const Item& item, int64_t now_seconds);
// The TTL attribute's value when it is a number, else nullptr.
const Item* TtlOf(const TableSpec& spec, const Item& item);

// ---- GSI membership (sparse): an item is in an index iff the index's key
// attributes are present, strings and non-empty. `sk` is "" for an index
// without a sort key.
struct IndexKey {
  std::string pk;
  std::string sk;
};
std::optional<IndexKey> IndexKeyOf(const IndexSpec& index, const Item& item);

// ---- Update actions. `existing` is nullptr when the item does not exist
// (UpdateItem then creates it from `key`). kInvalidArgument when an action
// meets an attribute of the wrong type (ADD to a non-number, Append to a
// non-list).
Result<Item> ApplyUpdate(const TableSpec& spec, const Key& key, const Item* existing,
                         const std::vector<UpdateAction>& actions);
// a + b for JSON numbers: integral while it fits in int64/uint64, else double.
Item AddNumbers(const Item& a, const Item& b);

// ---- Sort-key ranges: a SortCondition as byte-string bounds.
struct SkRange {
  std::optional<std::string> lo;  // nullopt: unbounded
  bool lo_inclusive = true;
  std::optional<std::string> hi;
  bool hi_inclusive = true;

  bool Contains(const std::string& s) const;
};
// kInvalidArgument for a BETWEEN whose lower bound is above its upper bound.
Result<SkRange> RangeOf(const SortCondition& cond);
// The smallest string greater than every string starting with `prefix`, or
// nullopt when there is none (empty or all 0xFF bytes).
std::optional<std::string> PrefixSuccessor(const std::string& prefix);

// A Query checked against its table: the index (nullptr: the table), the
// sort-key range and where to resume.
struct ResolvedQuery {
  const IndexSpec* index = nullptr;
  SkRange range;
  std::optional<PageToken> start;
};
Result<ResolvedQuery> ResolveQuery(const TableSpec& spec, const QueryRequest& req);
// The resume point of a Scan, checked against its table.
Result<std::optional<PageToken>> ResolveScan(const TableSpec& spec, const ScanRequest& req);

// Assembles one page in read order: at most `limit` items (0: no limit) and
// at most kMaxPageBytes (but always at least one item), then the filter.
class PageBuilder {
 public:
  PageBuilder(int limit, const Condition& filter) : limit_(limit), filter_(&filter) {}
  // Whether one more read item of `bytes` still belongs on this page. Once
  // false, the page is complete and the caller owes a next page token.
  bool Fits(size_t bytes) const;
  // Counts a read item against the limits and keeps it if the filter passes.
  void Take(Item item, size_t bytes);
  std::vector<Item> TakeItems() { return std::move(items_); }

 private:
  int limit_;
  const Condition* filter_;
  int count_ = 0;
  size_t bytes_ = 0;
  std::vector<Item> items_;
};

}  // namespace aw::store
