// RepeatIndex: the intake pipeline's repeat claims in memory - found while
// younger than 24 hours, re-pointed by a newer claim only, expired in order.

#include <gtest/gtest.h>

#include "base/ids.h"
#include "services/intake/repeat_index.h"

namespace aw::services {
namespace {

constexpr int64_t kHour = int64_t{3600} * 1'000'000;

TEST(RepeatIndexTest, FindsALiveClaimPerCompany) {
  RepeatIndex idx;
  idx.Set("c1", "dlv#a", "alert-1", 10 * kHour);
  const RepeatIndex::Claim* c = idx.Find("c1", "dlv#a", 10 * kHour + 1);
  ASSERT_NE(c, nullptr);
  EXPECT_EQ(c->alert_id, "alert-1");
  EXPECT_EQ(idx.Find("c2", "dlv#a", 10 * kHour + 1), nullptr);  // another company's claim space
  EXPECT_EQ(idx.Find("c1", "dlv#b", 10 * kHour + 1), nullptr);
  // Lives 24 hours, to the microsecond.
  EXPECT_NE(idx.Find("c1", "dlv#a", 34 * kHour - 1), nullptr);
  EXPECT_EQ(idx.Find("c1", "dlv#a", 34 * kHour), nullptr);
}

TEST(RepeatIndexTest, ANewerClaimRepointsAnOlderOneNever) {
  RepeatIndex idx;
  idx.Set("c1", "dlv#a", "alert-1", 1 * kHour);
  idx.Set("c1", "dlv#a", "alert-2", 5 * kHour);  // a new occurrence
  ASSERT_NE(idx.Find("c1", "dlv#a", 5 * kHour), nullptr);
  EXPECT_EQ(idx.Find("c1", "dlv#a", 5 * kHour)->alert_id, "alert-2");
  idx.Set("c1", "dlv#a", "alert-0", 2 * kHour);  // loaded late, but older: ignored
  EXPECT_EQ(idx.Find("c1", "dlv#a", 5 * kHour)->alert_id, "alert-2");
  EXPECT_EQ(idx.size(), 1u);
}

TEST(RepeatIndexTest, ExpireDropsOnlyClaimsOlderThanADay) {
  RepeatIndex idx;
  idx.Set("c1", "dlv#old", "a1", 0);
  idx.Set("c1", "dlv#moved", "a2", 1 * kHour);
  idx.Set("c1", "dlv#new", "a3", 20 * kHour);
  idx.Set("c1", "dlv#moved", "a4", 22 * kHour);  // re-pointed: its first time must not expire it
  idx.Expire(25 * kHour + 1);
  EXPECT_EQ(idx.size(), 2u);
  EXPECT_EQ(idx.Find("c1", "dlv#old", 25 * kHour + 1), nullptr);
  ASSERT_NE(idx.Find("c1", "dlv#moved", 25 * kHour + 1), nullptr);
  EXPECT_EQ(idx.Find("c1", "dlv#moved", 25 * kHour + 1)->alert_id, "a4");
  EXPECT_NE(idx.Find("c1", "dlv#new", 25 * kHour + 1), nullptr);
  idx.Expire(46 * kHour);
  EXPECT_EQ(idx.size(), 0u);
}

TEST(IdTimeTest, IdMillisReadsTheTimeNewIdWrote) {
  const int64_t us = int64_t{1764115200} * 1'000'000 + 123'456;  // 2025-11-26, some microseconds
  IdGenerator gen;
  const std::string id = gen.Next(us);
  EXPECT_EQ(IdMillis(id), us / 1000);
  EXPECT_LE(IdPrefixAt(us / 1000), id);
  EXPECT_GT(IdPrefixAt(us / 1000 + 1), id);
  EXPECT_EQ(IdMillis("dlv#abc"), -1);
  EXPECT_EQ(IdMillis("01936b2e-4a1f-4c3d-8e5f-0123456789ab"), -1);  // a UUIDv4 carries no time
}

}  // namespace
}  // namespace aw::services
