#pragma once

// Helpers for the store tests: the backends the conformance suite runs on,
// a temporary directory, and small request builders.
//
// Adding a backend to the conformance suite = adding one StoreBackend to
// ConformanceBackends() in store_test_util.cc.

#include <gtest/gtest.h>

#include <functional>
#include <map>
#include <memory>
#include <ostream>
#include <string>
#include <vector>

#include "base/clock.h"
#include "store/store.h"

namespace aw::store::testing {

struct StoreBackend {
  std::string name;  // gtest parameter name: letters and digits only
  // Opens a fresh, empty store that reads time from `clock`. The store owns
  // whatever it needs to live (a temp dir is removed when it is destroyed).
  std::function<std::unique_ptr<Store>(FakeClock* clock)> make;
  // Parts of the contract this backend cannot offer, by name (the k* names
  // below), each with the reason; the tests that need one check it instead
  // in the way the backend allows, or skip naming it.
  std::map<std::string, std::string> lacks;
  // Non-empty: the backend cannot run here, and why (e.g. no DynamoDB API
  // server configured). Tests then fail when CI=true, else skip naming it.
  std::string unavailable;
};

// Named backend differences (see DynamoStore in store/dynamodb/dynamodb_store.h).
inline constexpr const char* kGsiTieOrder = "GSI ties in table-key order";
inline constexpr const char* kScanKeyOrder = "Scan in key order";
inline constexpr const char* kNonStringIndexKeys = "non-string GSI key attributes (sparse)";
inline constexpr const char* kAddIndexLater = "adding a GSI to an existing table";
inline constexpr const char* kJsonSizeOnUpdate = "the 400 KB limit measured as JSON on UpdateItem";

// gtest prints the parameter by name.
inline void PrintTo(const StoreBackend& b, std::ostream* os) { *os << b.name; }

// memory, rocks (a real directory in a temp dir), dynamodb (the server at
// AW_TEST_DYNAMODB_ENDPOINT; see DynamoDbBackend()).
std::vector<StoreBackend> ConformanceBackends();
// The DynamoDB backend alone (also used by the DynamoDB-only tests).
StoreBackend DynamoDbBackend();

// Forwards every call to `inner` (not owned; it must outlive this): test
// stores that count, throttle or own derive from it and override only what
// they change. RunAtomic is not forwarded (the default: no atomic units), so
// services take the conditional path over it.
class ForwardingStore : public Store {
 public:
  explicit ForwardingStore(Store* inner) : inner_(inner) {}
  Status CreateTable(const TableSpec& spec) override { return inner_->CreateTable(spec); }
  const TableSpec* FindTable(const std::string& name) const override { return inner_->FindTable(name); }
  Result<Item> GetItem(const GetRequest& req) override { return inner_->GetItem(req); }
  Status PutItem(const PutRequest& req) override { return inner_->PutItem(req); }
  Status DeleteItem(const DeleteRequest& req) override { return inner_->DeleteItem(req); }
  Result<Item> UpdateItem(const UpdateRequest& req) override { return inner_->UpdateItem(req); }
  Result<QueryResult> Query(const QueryRequest& req) override { return inner_->Query(req); }
  Result<std::vector<Item>> BatchGetItem(const std::string& table, const std::vector<Key>& keys) override {
    return inner_->BatchGetItem(table, keys);
  }
  Status BatchWriteItem(const WriteBatch& batch) override { return inner_->BatchWriteItem(batch); }
  Result<QueryResult> Scan(const ScanRequest& req) override { return inner_->Scan(req); }
  Status Sync() override { return inner_->Sync(); }
  Status Flush() override { return inner_->Flush(); }

 private:
  Store* inner_;
};

// A fresh directory under $TMPDIR (or /tmp), removed with its contents.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

// Wraps a store together with something that must outlive it and be released
// after it (a temp dir, a test server).
std::unique_ptr<Store> WithCleanup(std::unique_ptr<Store> store, std::shared_ptr<void> keep_alive);

// Every item of a query, following page tokens; `pages` counts the calls.
// Fails the test on an error or a page larger than the limit.
std::vector<Item> QueryAll(Store& store, QueryRequest req, int* pages = nullptr);
std::vector<Item> ScanAll(Store& store, ScanRequest req, int* pages = nullptr);

// The table used throughout: Things(p, s) with
//   by-owner (owner, rank), by-tag (tag), TTL attribute "ttl";
// and Singles(id) with by-email (email), TTL attribute "ttl".
TableSpec ThingsSpec();
TableSpec SinglesSpec();
inline constexpr const char* kThings = "Things";
inline constexpr const char* kSingles = "Singles";

inline Key K(std::string pk, std::string sk) { return Key{std::move(pk), std::move(sk)}; }
inline Key K1(std::string pk) { return Key{std::move(pk), std::nullopt}; }
Item Thing(const std::string& p, const std::string& s, Item extra = Item::object());

}  // namespace aw::store::testing
