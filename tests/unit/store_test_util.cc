// Requests are written with designated initializers; GCC 12 warns about the
// fields they leave to their defaults, which is the point of them.
#pragma GCC diagnostic ignored "-Wmissing-field-initializers"

#include "store_test_util.h"

#include <stdlib.h>
#include <unistd.h>

#include <atomic>
#include <filesystem>

#include "store/dynamodb/dynamodb_store.h"
#include "store/memory/memory_store.h"
#include "store/rocksdb/rocks_store.h"

namespace aw::store::testing {
namespace {

// Forwards everything to `inner`; destroys `inner` before `keep_alive`.
class OwningStore final : public ForwardingStore {
 public:
  OwningStore(std::unique_ptr<Store> inner, std::shared_ptr<void> keep_alive)
      : ForwardingStore(inner.get()), keep_alive_(std::move(keep_alive)), inner_(std::move(inner)) {}

 private:
  std::shared_ptr<void> keep_alive_;  // declared first: destroyed last
  std::unique_ptr<Store> inner_;
};

}  // namespace

TempDir::TempDir() {
  static std::atomic<int> counter{0};
  const char* base = getenv("TMPDIR");
  std::string tmpl = std::string(base != nullptr && *base != '\0' ? base : "/tmp") + "/aw-store-" +
                     std::to_string(getpid()) + "-" + std::to_string(counter++) + "-XXXXXX";
  char* made = mkdtemp(tmpl.data());
  if (made == nullptr) throw std::runtime_error("mkdtemp failed for " + tmpl);
  path_ = made;
}

TempDir::~TempDir() {
  std::error_code ec;
  std::filesystem::remove_all(path_, ec);
}

std::unique_ptr<Store> WithCleanup(std::unique_ptr<Store> store, std::shared_ptr<void> keep_alive) {
  return std::make_unique<OwningStore>(std::move(store), std::move(keep_alive));
}

std::vector<StoreBackend> ConformanceBackends() {
  return {
      {"Memory",
       [](FakeClock* clock) -> std::unique_ptr<Store> { return std::make_unique<MemoryStore>(clock); }},
      {"Rocks",
       [](FakeClock* clock) -> std::unique_ptr<Store> {
         auto dir = std::make_shared<TempDir>();
         RocksOptions opts;
         opts.path = dir->path() + "/rocks";
         auto store = RocksStore::Open(opts, clock);
         if (!store.ok()) {
           ADD_FAILURE() << store.status().ToString();
           return nullptr;
         }
         return WithCleanup(std::move(*store), dir);
       }},
      DynamoDbBackend(),
  };
}

StoreBackend DynamoDbBackend() {
  StoreBackend b;
  b.name = "DynamoDb";
  const char* endpoint = getenv("AW_TEST_DYNAMODB_ENDPOINT");
  if (endpoint == nullptr || *endpoint == '\0') {
    b.unavailable =
        "AW_TEST_DYNAMODB_ENDPOINT is not set: the DynamoDB backend needs a DynamoDB API server "
        "(`make test` starts dynalite; by hand: eval $(tests/dynalite/start.sh))";
    return b;
  }
  std::string ep = endpoint;
  b.make = [ep](FakeClock* clock) -> std::unique_ptr<Store> {
    static std::atomic<int> counter{0};
    DynamoOptions opts;
    opts.client.endpoint = ep;
    opts.client.region = "us-east-1";
    opts.client.credentials = {"AKIDTEST", "test-secret", ""};
    // Every store gets tables of its own: tests stay independent.
    opts.table_prefix = "cf" + std::to_string(getpid()) + "_" + std::to_string(counter++) + "_";
    return std::make_unique<DynamoStore>(opts, clock);
  };
  b.lacks = {
      {kGsiTieOrder, "DynamoDB orders items with equal GSI keys its own way (dynalite: by a hash of the table key)"},
      {kScanKeyOrder, "a DynamoDB Scan walks partitions in hash order"},
      {kNonStringIndexKeys, "DynamoDB rejects an item whose GSI key attribute is not a non-empty string"},
      {kAddIndexLater, "dynalite ignores UpdateTable's GlobalSecondaryIndexUpdates"},
      {kJsonSizeOnUpdate, "DynamoDB measures an updated item's size itself (names + values), not as JSON"},
  };
  return b;
}

std::vector<Item> QueryAll(Store& store, QueryRequest req, int* pages) {
  std::vector<Item> out;
  int n = 0;
  while (true) {
    auto r = store.Query(req);
    if (!r.ok()) {
      ADD_FAILURE() << "query page " << n << ": " << r.status().ToString();
      break;
    }
    ++n;
    if (req.limit > 0) {
      EXPECT_LE(r->items.size(), static_cast<size_t>(req.limit));
    }
    out.insert(out.end(), r->items.begin(), r->items.end());
    if (r->next_page_token.empty()) break;
    if (n > 100000) {
      ADD_FAILURE() << "query does not end";
      break;
    }
    req.page_token = r->next_page_token;
  }
  if (pages != nullptr) *pages = n;
  return out;
}

std::vector<Item> ScanAll(Store& store, ScanRequest req, int* pages) {
  std::vector<Item> out;
  int n = 0;
  while (true) {
    auto r = store.Scan(req);
    if (!r.ok()) {
      ADD_FAILURE() << "scan page " << n << ": " << r.status().ToString();
      break;
    }
    ++n;
    if (req.limit > 0) {
      EXPECT_LE(r->items.size(), static_cast<size_t>(req.limit));
    }
    out.insert(out.end(), r->items.begin(), r->items.end());
    if (r->next_page_token.empty() || n > 100000) break;
    req.page_token = r->next_page_token;
  }
  if (pages != nullptr) *pages = n;
  return out;
}

TableSpec ThingsSpec() {
  return TableSpec{
      kThings, "p", "s", {{"by-owner", "owner", "rank"}, {"by-tag", "tag", std::nullopt}}, "ttl"};
}

TableSpec SinglesSpec() {
  return TableSpec{kSingles, "id", std::nullopt, {{"by-email", "email", std::nullopt}}, "ttl"};
}

Item Thing(const std::string& p, const std::string& s, Item extra) {
  Item item = std::move(extra);
  item["p"] = p;
  item["s"] = s;
  return item;
}

}  // namespace aw::store::testing
