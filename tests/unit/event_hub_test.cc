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
  for (const auto& f : frames) out.push_back(json::parse(f->payload()));
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

// The size of one small test frame, to set byte budgets in frames.
size_t FrameSize() { return EncodeEvent("alert_received", {{"n", 0}}, kStart)->bytes().size(); }

TEST(EventHubTest, FullQueueOverflowsThatSubscriberOnly) {
  EventHubOptions opts;
  opts.queue_bytes = 3 * FrameSize() + 2;  // room for three frames
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
  opts.queue_bytes = 16 * FrameSize();
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

TEST(EventHubTest, EachEventIsOneCompleteTextFrameSharedByAllRecipients) {
  EventHub hub({}, kStart);
  auto a = hub.Subscribe(Audience{"a", true, {}}).subscription;
  auto b = hub.Subscribe(Tech("b", {"acme"})).subscription;
  hub.Publish({"chat_message", "acme", {{"message", std::string(300, 'm')}}, ""});
  std::vector<Frame> fa, fb;
  ASSERT_TRUE(a->Drain(&fa));
  ASSERT_TRUE(b->Drain(&fb));
  ASSERT_EQ(fa.size(), 1u);
  ASSERT_EQ(fb.size(), 1u);
  EXPECT_EQ(fa[0].get(), fb[0].get());  // encoded once
  std::string_view bytes = fa[0]->bytes();
  EXPECT_EQ(static_cast<uint8_t>(bytes[0]), 0x81);  // FIN + text
  EXPECT_EQ(static_cast<uint8_t>(bytes[1]), 126);   // unmasked, 16-bit length
  const size_t len = (static_cast<uint8_t>(bytes[2]) << 8) | static_cast<uint8_t>(bytes[3]);
  EXPECT_EQ(len, fa[0]->payload().size());
  EXPECT_EQ(bytes.substr(4), fa[0]->payload());
  EXPECT_EQ(json::parse(fa[0]->payload())["data"]["message"], std::string(300, 'm'));
}

TEST(EventHubTest, NothingIsEncodedUntilAnEntitledSubscriberNeedsIt) {
  EventHub hub({}, kStart);
  auto ts = hub.Subscribe(Tech("t-ts", {"techstart"})).subscription;
  hub.Publish({"alert_received", "acme", {{"n", 0}}, ""});
  hub.Publish({"alert_received", "acme", {{"n", 1}}, ""});
  EXPECT_EQ(hub.encoded(), 0u);  // nobody may see Acme's events
  EXPECT_TRUE(DrainJson(*ts).empty());
  // A reconnecting Acme client still gets them from the window, encoded now.
  auto r = hub.Subscribe(Tech("t-acme", {"acme"}), kStart);  // saw the first (id kStart)
  EXPECT_EQ(r.replayed, 1u);
  EXPECT_EQ(hub.encoded(), 1u);
  auto got = DrainJson(*r.subscription);
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(got[0]["data"]["n"], 1);
  hub.Publish({"alert_received", "acme", {{"n", 2}}, ""});
  EXPECT_EQ(hub.encoded(), 2u);
}

TEST(EventHubTest, QueuedIncidentUpdateIsReplacedByTheNewerOne) {
  EventHub hub({}, kStart);
  auto sub = hub.Subscribe(Tech("t", {"acme"})).subscription;
  hub.Publish({"incident_updated", "acme", {{"id", "i1"}, {"version", 1}}, ""});
  hub.Publish({"alert_received", "acme", {{"id", "a1"}}, ""});
  hub.Publish({"incident_updated", "acme", {{"id", "i2"}, {"version", 1}}, ""});
  hub.Publish({"incident_updated", "acme", {{"id", "i1"}, {"version", 2}}, ""});
  hub.Publish({"incident_escalated", "acme", {{"id", "i1"}, {"version", 3}}, ""});  // never coalesced
  hub.Publish({"incident_updated", "acme", {{"id", "i1"}, {"version", 4}}, ""});
  EXPECT_EQ(hub.coalesced(), 2u);
  auto got = DrainJson(*sub);
  ASSERT_EQ(got.size(), 4u);
  EXPECT_EQ(got[0]["type"], "alert_received");
  EXPECT_EQ(got[1]["data"]["id"], "i2");
  EXPECT_EQ(got[2]["type"], "incident_escalated");
  EXPECT_EQ(got[3]["type"], "incident_updated");
  EXPECT_EQ(got[3]["data"]["version"], 4);  // the latest state, last
  for (size_t i = 1; i < got.size(); ++i) EXPECT_GT(got[i]["id"], got[i - 1]["id"]);  // ids still increase

  // Once drained (written), the next update is queued as usual.
  hub.Publish({"incident_updated", "acme", {{"id", "i1"}, {"version", 5}}, ""});
  got = DrainJson(*sub);
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(got[0]["data"]["version"], 5);
  EXPECT_EQ(hub.coalesced(), 2u);
}

TEST(EventHubTest, CoalescingFreesTheReplacedFramesBytes) {
  EventHubOptions opts;
  const size_t one = EncodeEvent("incident_updated", {{"id", "i1"}, {"v", 10}}, kStart)->bytes().size();
  opts.queue_bytes = 2 * one + 1;
  EventHub hub(opts, kStart);
  auto sub = hub.Subscribe(Tech("t", {"acme"})).subscription;
  for (int v = 10; v < 60; ++v) hub.Publish({"incident_updated", "acme", {{"id", "i1"}, {"v", v}}, ""});
  EXPECT_FALSE(sub->overflowed());  // one live frame at a time
  auto got = DrainJson(*sub);
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(got[0]["data"]["v"], 59);
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
