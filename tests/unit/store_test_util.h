#pragma once

// Helpers for the store tests: the backends the conformance suite runs on,
// a temporary directory, and small request builders.
//
// Adding a backend to the conformance suite = adding one StoreBackend to
// ConformanceBackends() in store_test_util.cc.

#include <gtest/gtest.h>

#include <functional>
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
};

// gtest prints the parameter by name.
inline void PrintTo(const StoreBackend& b, std::ostream* os) { *os << b.name; }

// memory, sqlite (a real file in a temp dir).
std::vector<StoreBackend> ConformanceBackends();

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
