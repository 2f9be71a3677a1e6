// The DynamoDB intake path (no intake pipeline: alert_claim_path.cc) when
// the alert's item is written but its join fails: the item is marked
// join_pending, and the sender's retry completes the join instead of being
// answered as a plain repeat. A memory store stands in for DynamoDB, with
// the incidents table's writes throttled on demand.

#include <atomic>
#include <chrono>
#include <memory>
#include <string>

#include <gtest/gtest.h>

#include "base/errors.h"
#include "core/records.h"
#include "services/config_service.h"
#include "services/incidents/incident_service.h"
#include "services/intake/alert_service.h"
#include "services/intake/asset_service.h"
#include "services/kpi_service.h"
#include "services/list_index.h"
#include "store/tables.h"
#include "service_test_fixture.h"
#include "store_test_util.h"

namespace aw::services {
namespace {

namespace t = store::tables;
using nlohmann::json;

// Forwards to `inner`; while `throttle_incidents` is set, every write to the
// Incidents table answers kThrottled (what outlasted retries look like), and
// while `throttle_alert_updates` is set, so does every UpdateItem of Alerts.
class ThrottlingStore final : public store::testing::ForwardingStore {
 public:
  using ForwardingStore::ForwardingStore;
  std::atomic<bool> throttle_incidents{false};
  std::atomic<bool> throttle_alert_updates{false};

  Status PutItem(const store::PutRequest& req) override {
    if (Blocked(req.table)) return Status::Throttled("throttled (test)");
    return ForwardingStore::PutItem(req);
  }
  Status DeleteItem(const store::DeleteRequest& req) override {
    if (Blocked(req.table)) return Status::Throttled("throttled (test)");
    return ForwardingStore::DeleteItem(req);
  }
  Result<store::Item> UpdateItem(const store::UpdateRequest& req) override {
    if (Blocked(req.table) || (throttle_alert_updates && req.table == t::kAlerts)) {
      return Status::Throttled("throttled (test)");
    }
    return ForwardingStore::UpdateItem(req);
  }

 private:
  bool Blocked(const std::string& table) const { return throttle_incidents && table == t::kIncidents; }
};

class FailedJoinTest : public testing::ServiceTest {
 protected:
  void SetUp() override {
    ServiceTest::SetUp();
    if (HasFatalFailure()) return;
    throttling_ = std::make_unique<ThrottlingStore>(store_.get());
    ctx_.store = throttling_.get();
    configs_ = std::make_unique<ConfigService>(&ctx_);
    kpis_ = std::make_unique<KpiService>(&ctx_);
    assets_ = std::make_unique<AssetService>(&ctx_);
    incidents_ = std::make_unique<IncidentService>(&ctx_, configs_.get(), kpis_.get());
    alerts_ = std::make_unique<AlertService>(&ctx_, assets_.get(), incidents_.get(), kpis_.get());
    configs_->Put("c1", "correlation", {{"time_window_minutes", 60}, {"aggregation_key", "asset|signature"},
                                        {"min_alerts_for_incident", 1}, {"auto_correlate", true},
                                        {"auto_resolve", true}});
  }

  static AlertInput Input(const std::string& asset) {
    AlertInput in;
    in.asset_name = asset;
    in.signature = "disk_full";
    in.severity = "high";
    in.message = "disk / is 97% full";
    return in;
  }

  // Each delivery is received at its own instant (one at the same instant
  // with the same message is taken for the store's retry of its own write).
  IngestResult Deliver(const AlertInput& in, const std::string& delivery_id) {
    clock_.Advance(std::chrono::milliseconds(10));
    return alerts_->Ingest("c1", in, delivery_id);
  }

  // Ingest that fails with the 503 of a throttled store.
  void ExpectUnavailable(const AlertInput& in, const std::string& delivery_id) {
    clock_.Advance(std::chrono::milliseconds(10));
    try {
      alerts_->Ingest("c1", in, delivery_id);
      ADD_FAILURE() << "Ingest succeeded while the incidents table was throttled";
    } catch (const ApiError& e) {
      EXPECT_EQ(e.kind(), ErrorKind::kUnavailable) << e.what();
    }
  }

  json Item(const std::string& table, const std::string& id) {
    auto r = store_->GetItem({table, {"c1", id}});
    EXPECT_TRUE(r.ok()) << table << " " << id;
    return r.ok() ? std::move(r).value() : json::object();
  }

  // The only alert of company c1 (the test stores one).
  json OnlyAlert() {
    store::QueryRequest q;
    q.table = t::kAlerts;
    q.pk = "c1";
    auto r = store_->Query(q);
    EXPECT_TRUE(r.ok());
    std::vector<json> alerts;
    for (auto& it : r->items) {
      if (it.contains("message")) alerts.push_back(it);  // not a dlv# claim item
    }
    EXPECT_EQ(alerts.size(), 1u);
    return alerts.empty() ? json::object() : alerts.front();
  }

  std::unique_ptr<ThrottlingStore> throttling_;
  std::unique_ptr<ConfigService> configs_;
  std::unique_ptr<KpiService> kpis_;
  std::unique_ptr<AssetService> assets_;
  std::unique_ptr<IncidentService> incidents_;
  std::unique_ptr<AlertService> alerts_;
};

TEST_F(FailedJoinTest, RetryCompletesTheJoinAndALaterRepeatIsPlain) {
  throttling_->throttle_incidents = true;
  ExpectUnavailable(Input("web-1"), "d-1");
  throttling_->throttle_incidents = false;
  const json marked = OnlyAlert();
  EXPECT_EQ(marked.value("join_pending", false), true) << marked.dump();

  IngestResult retry = Deliver(Input("web-1"), "d-1");
  EXPECT_FALSE(retry.duplicate);
  EXPECT_EQ(retry.delivery_attempts, 1);
  EXPECT_EQ(retry.alert_id, marked.value("id", ""));
  ASSERT_FALSE(retry.incident_id.empty());
  EXPECT_TRUE(retry.incident_created);
  const core::Incident inc = core::Incident::FromItem(Item(t::kIncidents, retry.incident_id));
  EXPECT_EQ(inc.alert_ids, std::vector<std::string>{retry.alert_id});
  EXPECT_EQ(inc.alert_count, 1);
  const json joined = Item(t::kAlerts, retry.alert_id);
  EXPECT_FALSE(joined.contains("join_pending")) << joined.dump();
  EXPECT_EQ(joined.value("correlated_incident_id", ""), retry.incident_id);

  IngestResult third = Deliver(Input("web-1"), "d-1");
  EXPECT_TRUE(third.duplicate);
  EXPECT_EQ(third.alert_id, retry.alert_id);
  EXPECT_EQ(third.delivery_attempts, 2);
  EXPECT_EQ(core::Incident::FromItem(Item(t::kIncidents, retry.incident_id)).alert_count, 1);
}

TEST_F(FailedJoinTest, RetryThatFailsAgainIsUnavailableAndKeepsTheMarker) {
  throttling_->throttle_incidents = true;
  ExpectUnavailable(Input("web-2"), "");  // a claim by content
  ExpectUnavailable(Input("web-2"), "");
  throttling_->throttle_incidents = false;
  EXPECT_EQ(OnlyAlert().value("join_pending", false), true);
  IngestResult r = Deliver(Input("web-2"), "");
  EXPECT_FALSE(r.duplicate);
  ASSERT_FALSE(r.incident_id.empty());
  EXPECT_EQ(core::Incident::FromItem(Item(t::kIncidents, r.incident_id)).alert_count, 1);
  EXPECT_TRUE(Deliver(Input("web-2"), "").duplicate);
}

TEST_F(FailedJoinTest, RetryJoinsWhatWasStoredNotWhatTheRetrySays) {
  throttling_->throttle_incidents = true;
  ExpectUnavailable(Input("db-1"), "d-3");
  throttling_->throttle_incidents = false;
  IngestResult r = Deliver(Input("db-other"), "d-3");  // same delivery id, other body
  ASSERT_FALSE(r.incident_id.empty());
  EXPECT_EQ(Item(t::kIncidents, r.incident_id).value("asset_name", ""), "db-1");
}

TEST_F(FailedJoinTest, UnmarkedWhenTheMarkFailsToo) {
  // Best effort: with the marker's write failing as well, the retry is a
  // plain repeat (the gap the marker closes; logged at warn).
  throttling_->throttle_incidents = true;
  throttling_->throttle_alert_updates = true;
  ExpectUnavailable(Input("web-4"), "d-4");
  throttling_->throttle_incidents = false;
  throttling_->throttle_alert_updates = false;
  EXPECT_FALSE(OnlyAlert().contains("join_pending"));
  EXPECT_TRUE(Deliver(Input("web-4"), "d-4").duplicate);
}

TEST(HideAttrsTest, HidesTheJoinPendingMarker) {
  json alert = {{"id", "a"}, {"join_pending", true}, {"time_key", "x"}, {"message", "m"}};
  list_index::HideAttrs(alert);
  EXPECT_EQ(alert, (json{{"id", "a"}, {"message", "m"}}));
}

}  // namespace
}  // namespace aw::services
