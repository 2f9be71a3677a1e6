// The correlation window, driven by a fake clock (no sleeping): an alert
// joins the open incident of its key while the incident's last alert is at
// most time_window_minutes old, and opens a new incident just after.

#include <chrono>
#include <mutex>
#include <set>
#include <thread>

#include <gtest/gtest.h>

#include "base/clock.h"
#include "services/config_service.h"
#include "services/context.h"
#include "services/incidents/incident_service.h"
#include "services/kpi_service.h"
#include "store/tables.h"
#include "service_test_fixture.h"

namespace aw::services {
namespace {

using std::chrono::microseconds;
using std::chrono::seconds;

class CorrelationWindowTest : public testing::ServiceTest {
 protected:
  void SetUp() override {
    ServiceTest::SetUp();
    if (HasFatalFailure()) return;
    configs_ = std::make_unique<ConfigService>(&ctx_);
    kpis_ = std::make_unique<KpiService>(&ctx_);
    incidents_ = std::make_unique<IncidentService>(&ctx_, configs_.get(), kpis_.get());
    configs_->Put("c1", "correlation", {{"time_window_minutes", 1}, {"aggregation_key", "asset|signature"},
                                        {"min_alerts_for_incident", 1}, {"auto_correlate", true},
                                        {"auto_resolve", true}});
  }

  CorrelationResult Send(const std::string& alert_id, const std::string& asset = "web-1") {
    CorrelationInput in;
    in.alert_id = alert_id;
    in.asset_name = asset;
    in.asset_id = asset;
    in.signature = "cpu_high";
    in.message = "CPU high " + alert_id;
    in.severity = "high";
    in.tool_source = "test";
    return incidents_->Correlate("c1", in);
  }

  std::unique_ptr<ConfigService> configs_;
  std::unique_ptr<KpiService> kpis_;
  std::unique_ptr<IncidentService> incidents_;
};

TEST_F(CorrelationWindowTest, WindowSlidesFromTheLastAlertAndEndsJustAfterIt) {
  CorrelationResult a = Send("a");
  ASSERT_TRUE(a.created);
  clock_.Advance(seconds(59));
  CorrelationResult b = Send("b");
  EXPECT_EQ(b.incident_id, a.incident_id);
  EXPECT_FALSE(b.created);
  clock_.Advance(seconds(60));  // exactly the window after b: still inside
  CorrelationResult c = Send("c");
  EXPECT_EQ(c.incident_id, a.incident_id);
  clock_.Advance(seconds(60) + microseconds(1));  // just past the window after c
  CorrelationResult d = Send("d");
  EXPECT_TRUE(d.created);
  EXPECT_NE(d.incident_id, a.incident_id);
  // The config cache has a TTL; it must not matter for the window.
  clock_.Advance(seconds(1));
  EXPECT_EQ(Send("e").incident_id, d.incident_id);
}

TEST_F(CorrelationWindowTest, OtherKeysAreIndependent) {
  CorrelationResult a = Send("a", "web-1");
  CorrelationResult b = Send("b", "web-2");
  EXPECT_TRUE(a.created);
  EXPECT_TRUE(b.created);
  EXPECT_NE(a.incident_id, b.incident_id);
}

TEST_F(CorrelationWindowTest, ThresholdGathersAlertsWithinTheWindowOnly) {
  configs_->Put("c1", "correlation", {{"time_window_minutes", 1}, {"min_alerts_for_incident", 3}});
  EXPECT_TRUE(Send("a").incident_id.empty());
  clock_.Advance(seconds(61));  // the first one expired from the gathering window
  EXPECT_TRUE(Send("b").incident_id.empty());
  EXPECT_TRUE(Send("c").incident_id.empty());
  CorrelationResult d = Send("d");
  ASSERT_FALSE(d.incident_id.empty());
  auto inc = store_->GetItem({store::tables::kIncidents, {"c1", d.incident_id}});
  ASSERT_TRUE(inc.ok());
  EXPECT_EQ(inc->value("alert_count", 0), 3);
}

}  // namespace
}  // namespace aw::services

namespace aw::services {
namespace {

// An alert storm into one incident: 100,000 alerts from 16 threads all join
// one incident; its item keeps the 1,000 newest ids and stays far below the
// 400 KB item limit, and the joins are coalesced into far fewer writes.
TEST_F(CorrelationWindowTest, StormOf100kAlertsIntoOneIncident) {
  constexpr int kThreads = 16, kPerThread = 6250;
  std::vector<std::thread> threads;
  std::mutex mu;
  std::set<std::string> incidents;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      std::set<std::string> mine;
      for (int i = 0; i < kPerThread; ++i) mine.insert(Send("a" + std::to_string(t) + "-" + std::to_string(i)).incident_id);
      std::lock_guard<std::mutex> lock(mu);
      incidents.insert(mine.begin(), mine.end());
    });
  }
  for (auto& th : threads) th.join();
  ASSERT_EQ(incidents.size(), 1u);
  auto inc = store_->GetItem({store::tables::kIncidents, {"c1", *incidents.begin()}});
  ASSERT_TRUE(inc.ok());
  EXPECT_EQ(inc->value("alert_count", 0), kThreads * kPerThread);
  EXPECT_EQ(inc->at("alert_ids").size(), 50u);
  EXPECT_LT(store::ItemSize(*inc), store::kMaxItemBytes / 4);
  EXPECT_LT(incidents_->join_writes(), static_cast<uint64_t>(kThreads * kPerThread));
}

}  // namespace
}  // namespace aw::services
