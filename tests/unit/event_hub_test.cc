// EventHub: entitlement filtering, the bounded per-client queue, the replay
// window and event ids.

#include <atomic>
#include <chrono>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "services/event_hub.h"

namespace aw::services {
namespace {

using nlohmann::json;

constexpr int64_t kStart = 1'700'000'000'000'000;

Audience Tech(const std::string& user, std::vector<std::string> companies) {
  return Audience{user, false, std::move(companies)};
}

std::vector<json> DrainJson(Subscription& s) {
  std::vector<Frame> frames;
  EXPECT_TRUE(s.Drain(&frames));
  std::vector<json> out;
  for (const auto& f : frames) out.push_back(json::parse(*f));
  return out;
}

TEST(EventHubTest, FrameCarriesTypeDataAndIncreasingIds) {
  EventHub hub({}, kStart);
  auto sub = hub.Subscribe(Tech("u1", {"acme"})).subscription;
  hub.Publish({"alert_received", "acme", {{"id", "a1"}}, ""});
  hub.Publish({"incident_created", "acme", {{"id", "i1"}}, ""});
  auto got = DrainJson(*sub);
  ASSERT_EQ(got.size(), 2u);
  EXPECT_EQ(got[0]["type"], "alert_received");
  EXPECT_EQ(got[0]["data"]["id"], "a1");
  EXPECT_EQ(got[1]["type"], "incident_created");
  EXPECT_EQ(got[0]["id"].get<uint64_t>(), static_cast<uint64_t>(kStart));
  EXPECT_EQ(got[1]["id"].get<uint64_t>(), got[0]["id"].get<uint64_t>() + 1);
  EXPECT_EQ(hub.last_id(), got[1]["id"].get<uint64_t>());
}

TEST(EventHubTest, DeliversOnlyToEntitledSubscribers) {
  EventHub hub({}, kStart);
  auto acme_tech = hub.Subscribe(Tech("t-acme", {"acme"})).subscription;
  auto ts_tech = hub.Subscribe(Tech("t-ts", {"techstart"})).subscription;
  auto msp = hub.Subscribe(Audience{"admin", true, {}}).subscription;
  auto other_acme = hub.Subscribe(Tech("t2-acme", {"acme"})).subscription;

  hub.Publish({"alert_received", "acme", {{"n", 1}}, ""});
  hub.Publish({"alert_received", "techstart", {{"n", 2}}, ""});
  hub.Publish({"alert_received", "brand-new-company", {{"n", 3}}, ""});
  hub.Publish({"notification", "acme", {{"n", 4}}, "t-acme"});  // to one user only

  auto a = DrainJson(*acme_tech);
  ASSERT_EQ(a.size(), 2u);
  EXPECT_EQ(a[0]["data"]["n"], 1);
  EXPECT_EQ(a[1]["data"]["n"], 4);
  auto t = DrainJson(*ts_tech);
  ASSERT_EQ(t.size(), 1u);
  EXPECT_EQ(t[0]["data"]["n"], 2);
  auto m = DrainJson(*msp);
  ASSERT_EQ(m.size(), 3u);  // every company, even one created after it connected; not others' notifications
  EXPECT_EQ(m[2]["data"]["n"], 3);
  auto o = DrainJson(*other_acme);
  ASSERT_EQ(o.size(), 1u);  // the other Acme user does not get t-acme's notification
  EXPECT_EQ(o[0]["data"]["n"], 1);
}

TEST(EventHubTest, FullQueueOverflowsThatSubscriberOnly) {
  EventHubOptions opts;
  opts.queue_capacity = 3;
  EventHub hub(opts, kStart);
  auto stuck = hub.Subscribe(Tech("stuck", {"acme"})).subscription;
  auto live = hub.Subscribe(Tech("live", {"acme"})).subscription;
  std::atomic<int> wakes{0};
  stuck->SetWake([&] { ++wakes; });

  std::vector<Frame> got;
  for (int i = 0; i < 10; ++i) {
    hub.Publish({"alert_received", "acme", {{"n", i}}, ""});
    ASSERT_TRUE(live->Drain(&got));  // a client that keeps up
  }
  EXPECT_EQ(got.size(), 10u);
  EXPECT_TRUE(stuck->overflowed());
  std::vector<Frame> none;
  EXPECT_FALSE(stuck->Drain(&none));
  EXPECT_TRUE(none.empty());
  EXPECT_EQ(wakes.load(), 2);  // first frame on an empty queue, then the overflow
  EXPECT_EQ(hub.overflows(), 1u);
  EXPECT_FALSE(live->overflowed());
}

TEST(EventHubTest, PublishNeverWaitsForAStuckSubscriber) {
  EventHubOptions opts;
  opts.queue_capacity = 16;
  EventHub hub(opts, kStart);
  for (int i = 0; i < 50; ++i) hub.Subscribe(Tech("stuck" + std::to_string(i), {"acme"}));
  auto t0 = std::chrono::steady_clock::now();
  for (int i = 0; i < 20000; ++i) hub.Publish({"alert_received", "acme", {{"n", i}}, ""});
  auto elapsed = std::chrono::steady_clock::now() - t0;
  EXPECT_LT(elapsed, std::chrono::seconds(5));
  EXPECT_EQ(hub.published(), 20000u);
  EXPECT_EQ(hub.overflows(), 50u);
}

TEST(EventHubTest, ReplaysMissedEntitledEventsAfterAnId) {
  EventHub hub({}, kStart);
  hub.Publish({"alert_received", "acme", {{"n", 0}}, ""});
  const uint64_t seen = hub.last_id();
  hub.Publish({"alert_received", "techstart", {{"n", 1}}, ""});
  hub.Publish({"alert_received", "acme", {{"n", 2}}, ""});
  hub.Publish({"notification", "acme", {{"n", 3}}, "someone-else"});
  hub.Publish({"incident_created", "acme", {{"n", 4}}, ""});

  auto r = hub.Subscribe(Tech("t-acme", {"acme"}), seen);
  EXPECT_TRUE(r.replay_complete);
  EXPECT_EQ(r.replayed, 2u);
  EXPECT_EQ(r.last_id, hub.last_id());
  hub.Publish({"alert_received", "acme", {{"n", 5}}, ""});  // live after the replay, in order
  auto got = DrainJson(*r.subscription);
  ASSERT_EQ(got.size(), 3u);
  EXPECT_EQ(got[0]["data"]["n"], 2);
  EXPECT_EQ(got[1]["data"]["n"], 4);
  EXPECT_EQ(got[2]["data"]["n"], 5);
}

TEST(EventHubTest, UpToDateClientGetsNothingReplayed) {
  EventHub hub({}, kStart);
  hub.Publish({"alert_received", "acme", {}, ""});
  auto r = hub.Subscribe(Tech("t", {"acme"}), hub.last_id());
  EXPECT_TRUE(r.replay_complete);
  EXPECT_EQ(r.replayed, 0u);
}

TEST(EventHubTest, ReplayWindowIsBoundedAndSaysWhenEventsAreGone) {
  EventHubOptions opts;
  opts.replay_capacity = 3;
  EventHub hub(opts, kStart);
  for (int i = 0; i < 10; ++i) hub.Publish({"alert_received", "acme", {{"n", i}}, ""});
  // Ids kStart..kStart+9; the window holds the last 3.
  auto old = hub.Subscribe(Tech("t", {"acme"}), kStart + 2);
  EXPECT_FALSE(old.replay_complete);
  EXPECT_EQ(old.replayed, 3u);
  auto got = DrainJson(*old.subscription);
  ASSERT_EQ(got.size(), 3u);
  EXPECT_EQ(got[0]["data"]["n"], 7);

  auto edge = hub.Subscribe(Tech("t", {"acme"}), kStart + 6);  // exactly the event before the window
  EXPECT_TRUE(edge.replay_complete);
  EXPECT_EQ(edge.replayed, 3u);

  // An id from a previous process (smaller) or another one (larger).
  EXPECT_FALSE(hub.Subscribe(Tech("t", {"acme"}), 5).replay_complete);
  EXPECT_FALSE(hub.Subscribe(Tech("t", {"acme"}), kStart + 1000).replay_complete);
}

TEST(EventHubTest, ARestartedHubIssuesLargerIds) {
  EventHub first({}, kStart);
  for (int i = 0; i < 100; ++i) first.Publish({"x", "acme", {}, ""});
  EventHub second({}, kStart + 1'000'000);  // one second later
  second.Publish({"x", "acme", {}, ""});
  EXPECT_GT(second.last_id(), first.last_id());
}

TEST(EventHubTest, UnsubscribedGetsNothingAndIsNotWoken) {
  EventHub hub({}, kStart);
  auto sub = hub.Subscribe(Tech("t", {"acme"})).subscription;
  int wakes = 0;
  sub->SetWake([&] { ++wakes; });
  hub.Unsubscribe(sub);
  hub.Publish({"x", "acme", {}, ""});
  EXPECT_EQ(wakes, 0);
  EXPECT_EQ(hub.subscriber_count(), 0u);
  EXPECT_TRUE(DrainJson(*sub).empty());
}

}  // namespace
}  // namespace aw::services
