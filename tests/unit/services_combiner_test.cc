#include "services/combiner.h"

#include <atomic>
#include <chrono>
#include <thread>

#include <gtest/gtest.h>

namespace aw::services {
namespace {

TEST(ServicesCombinerTest, EveryCallerGetsItsOwnResultAndGroupsAreFewer) {
  Combiner<int, int> c;
  std::atomic<int> applied_ops{0};
  std::atomic<int> total{0};
  auto apply = [&](const std::string&, std::vector<int>& ops) {
    std::this_thread::sleep_for(std::chrono::milliseconds(1));  // a slow store write
    std::vector<int> out;
    for (int v : ops) {
      total += v;
      out.push_back(v * 10);
    }
    applied_ops += static_cast<int>(ops.size());
    return out;
  };
  constexpr int kThreads = 16, kPer = 50;
  std::vector<std::thread> threads;
  std::atomic<int> wrong{0};
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kPer; ++i) {
        int v = t * 1000 + i;
        if (c.Submit("item", v, apply) != v * 10) ++wrong;
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(wrong.load(), 0);
  EXPECT_EQ(applied_ops.load(), kThreads * kPer);
  EXPECT_LT(c.groups(), static_cast<uint64_t>(kThreads * kPer));  // coalesced
}

TEST(ServicesCombinerTest, ExceptionReachesEveryCallerOfTheGroup) {
  Combiner<int, int> c;
  auto apply = [](const std::string&, std::vector<int>&) -> std::vector<int> { throw std::runtime_error("boom"); };
  EXPECT_THROW(c.Submit("k", 1, apply), std::runtime_error);
  // The key is usable again afterwards.
  auto ok = [](const std::string&, std::vector<int>& ops) { return std::vector<int>(ops.size(), 7); };
  EXPECT_EQ(c.Submit("k", 1, ok), 7);
}

TEST(ServicesCombinerTest, DistinctKeysDoNotWaitForEachOther) {
  Combiner<int, int> c;
  auto apply = [](const std::string& key, std::vector<int>& ops) {
    return std::vector<int>(ops.size(), key == "a" ? 1 : 2);
  };
  EXPECT_EQ(c.Submit("a", 0, apply), 1);
  EXPECT_EQ(c.Submit("b", 0, apply), 2);
}

}  // namespace
}  // namespace aw::services
