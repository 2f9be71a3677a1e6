// StoreProbe (services/readiness.h): a hung store is reported after the
// timeout instead of hanging the caller, one probe at a time.

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <mutex>

#include <gtest/gtest.h>

#include "services/readiness.h"

namespace aw::services {
namespace {

using namespace std::chrono_literals;

// Answers GetItem with not-found, or blocks it until released.
class GateStore final : public store::Store {
 public:
  void Hold() {
    std::lock_guard<std::mutex> lock(mu_);
    held_ = true;
  }
  void Release() {
    {
      std::lock_guard<std::mutex> lock(mu_);
      held_ = false;
    }
    cv_.notify_all();
  }
  int calls() const { return calls_.load(); }

  Result<store::Item> GetItem(const store::GetRequest&) override {
    ++calls_;
    std::unique_lock<std::mutex> lock(mu_);
    cv_.wait(lock, [this] { return !held_; });
    return Status::NotFound("no such item");
  }
  Status CreateTable(const store::TableSpec&) override { return Status::OK(); }
  const store::TableSpec* FindTable(const std::string&) const override { return nullptr; }
  Status PutItem(const store::PutRequest&) override { return Unused(); }
  Status DeleteItem(const store::DeleteRequest&) override { return Unused(); }
  Result<store::Item> UpdateItem(const store::UpdateRequest&) override { return Unused(); }
  Result<store::QueryResult> Query(const store::QueryRequest&) override { return Unused(); }
  Result<std::vector<store::Item>> BatchGetItem(const std::string&, const std::vector<store::Key>&) override {
    return Unused();
  }
  Status BatchWriteItem(const store::WriteBatch&) override { return Unused(); }
  Result<store::QueryResult> Scan(const store::ScanRequest&) override { return Unused(); }
  Status Flush() override { return Status::OK(); }

 private:
  static Status Unused() { return Status::Internal("not used by the probe"); }
  std::mutex mu_;
  std::condition_variable cv_;
  bool held_ = false;
  std::atomic<int> calls_{0};
};

TEST(StoreProbeTest, AnsweringStoreIsReady) {
  GateStore store;
  StoreProbe probe(&store, 2s);
  EXPECT_TRUE(probe.Check().ok());
  EXPECT_TRUE(probe.Check().ok());
  EXPECT_EQ(store.calls(), 2);  // a fresh read per check once the last one ended
}

TEST(StoreProbeTest, HungStoreIsReportedAfterTheTimeoutWithOneProbeInFlight) {
  GateStore store;
  StoreProbe probe(&store, 100ms);
  store.Hold();
  for (int i = 0; i < 3; ++i) {
    const auto start = std::chrono::steady_clock::now();
    Status s = probe.Check();
    const auto took = std::chrono::steady_clock::now() - start;
    EXPECT_FALSE(s.ok());
    EXPECT_NE(s.message().find("did not answer a point read within 100 ms"), std::string::npos) << s.message();
    EXPECT_LT(took, 2s);
  }
  EXPECT_EQ(store.calls(), 1);  // the later checks waited for the same probe
  store.Release();
  // Ready again: the hung probe ends, the next check reads afresh.
  Status s = probe.Check();
  for (int i = 0; i < 50 && !s.ok(); ++i) s = probe.Check();
  EXPECT_TRUE(s.ok()) << s.message();
}

}  // namespace
}  // namespace aw::services
