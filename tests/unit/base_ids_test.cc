#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "base/ids.h"

namespace aw {
namespace {

constexpr int64_t kBase = 1'795'612'543'123'456;  // 2026-11-25T13:15:43.123456Z

int HexDigit(char c) { return c <= '9' ? c - '0' : c - 'a' + 10; }

uint64_t TimestampMs(const std::string& id) {
  std::string hex = id.substr(0, 8) + id.substr(9, 4);
  uint64_t v = 0;
  for (char c : hex) v = v << 4 | static_cast<uint64_t>(HexDigit(c));
  return v;
}

TEST(BaseIdsTest, FormatVersionAndVariant) {
  IdGenerator gen;
  std::string id = gen.Next(kBase);
  ASSERT_EQ(id.size(), 36u);
  EXPECT_TRUE(IsValidId(id)) << id;
  EXPECT_EQ(id[14], '7') << id;                                          // version 7
  EXPECT_NE(std::string("89ab").find(id[19]), std::string::npos) << id;  // variant 10xx
  for (int i = 0; i < 1000; ++i) {
    std::string x = gen.Next(kBase + i * 1000);
    ASSERT_EQ(x[14], '7');
    ASSERT_EQ((HexDigit(x[19]) & 0xc), 0x8);
  }
}

TEST(BaseIdsTest, EmbedsUnixMilliseconds) {
  IdGenerator gen;
  std::string id = gen.Next(kBase);
  EXPECT_EQ(TimestampMs(id), static_cast<uint64_t>(kBase / 1000));
  EXPECT_EQ(id.substr(0, 13), "01a212d9-0893");  // 1795612543123 ms = 0x01a212d90893
  EXPECT_EQ(TimestampMs(gen.Next(kBase + 5'000)), static_cast<uint64_t>(kBase / 1000 + 5));
}

TEST(BaseIdsTest, StrictlyIncreasingOver100kIds) {
  // Many ids per millisecond (same time repeated), then advancing time.
  IdGenerator gen;
  std::string prev = gen.Next(kBase);
  for (int i = 0; i < 100'000; ++i) {
    std::string cur = gen.Next(kBase + (i / 1000) * 1000);
    ASSERT_LT(prev, cur) << "at " << i;
    prev = cur;
  }
}

TEST(BaseIdsTest, MonotonicEvenWhenClockGoesBackwards) {
  IdGenerator gen;
  std::string a = gen.Next(kBase);
  std::string b = gen.Next(kBase - 5'000'000);  // clock stepped back 5 s
  std::string c = gen.Next(kBase - 10'000'000);
  EXPECT_LT(a, b);
  EXPECT_LT(b, c);
  EXPECT_EQ(TimestampMs(b), TimestampMs(a));  // holds the last timestamp
}

TEST(BaseIdsTest, UniqueAndOrderedPerThreadAcross8Threads) {
  constexpr int kThreads = 8;
  constexpr int kPerThread = 20'000;
  IdGenerator gen;
  std::vector<std::vector<std::string>> ids(kThreads);
  std::vector<std::thread> threads;
  for (int k = 0; k < kThreads; ++k) {
    threads.emplace_back([&ids, &gen, k] {
      ids[k].reserve(kPerThread);
      for (int i = 0; i < kPerThread; ++i) ids[k].push_back(gen.Next(kBase + i / 100 * 1000));
    });
  }
  for (auto& th : threads) th.join();
  std::set<std::string> all;
  for (const auto& v : ids) {
    ASSERT_TRUE(std::is_sorted(v.begin(), v.end()));
    ASSERT_EQ(std::adjacent_find(v.begin(), v.end()), v.end());
    all.insert(v.begin(), v.end());
  }
  EXPECT_EQ(all.size(), static_cast<size_t>(kThreads * kPerThread));
}

TEST(BaseIdsTest, SharedGeneratorWithRealClock) {
  const int64_t now = std::chrono::duration_cast<std::chrono::microseconds>(
                          std::chrono::system_clock::now().time_since_epoch())
                          .count();
  std::vector<std::string> v;
  for (int i = 0; i < 1000; ++i) v.push_back(NewId(now));
  EXPECT_TRUE(std::is_sorted(v.begin(), v.end()));
  EXPECT_EQ(std::set<std::string>(v.begin(), v.end()).size(), v.size());
  for (const auto& id : v) ASSERT_TRUE(IsValidId(id)) << id;
  EXPECT_GE(TimestampMs(v.front()), static_cast<uint64_t>(now / 1000));
}

TEST(BaseIdsTest, IsValidId) {
  EXPECT_TRUE(IsValidId("01936b2e-4a1f-7c3d-8e5f-0123456789ab"));
  EXPECT_TRUE(IsValidId("550e8400-e29b-41d4-a716-446655440000"));  // v4 is fine too
  EXPECT_TRUE(IsValidId("00000000-0000-0000-0000-000000000000"));
  EXPECT_FALSE(IsValidId(""));
  EXPECT_FALSE(IsValidId("550E8400-E29B-41D4-A716-446655440000"));   // upper case
  EXPECT_FALSE(IsValidId("550e8400e29b41d4a716446655440000"));       // no dashes
  EXPECT_FALSE(IsValidId("550e8400-e29b-41d4-a716-44665544000"));    // 35 chars
  EXPECT_FALSE(IsValidId("550e8400-e29b-41d4-a716-4466554400000"));  // 37 chars
  EXPECT_FALSE(IsValidId("550e8400-e29b-41d4a-716-446655440000"));   // dash misplaced
  EXPECT_FALSE(IsValidId("550e8400-e29b-41d4-a716-44665544000g"));
  EXPECT_FALSE(IsValidId("{50e8400-e29b-41d4-a716-44665544000}"));
  EXPECT_FALSE(IsValidId("../../etc/passwd-aaaa-bbbb-cccccccccc"));
}

}  // namespace
}  // namespace aw
