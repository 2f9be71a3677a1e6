#include "core/intake/datadog.h"

#include <functional>
#include <gtest/gtest.h>

#include "core_intake_test_util.h"

namespace aw::core::intake {
namespace {

using nlohmann::json;
using testing::Fixture;

TEST(CoreIntakeDatadogTest, TemplateFixture) {
  AdapterResult r = AdaptDatadog(Fixture("datadog_webhook.json"), IntakeMapping{});
  ASSERT_FALSE(r.error) << r.error->message;
  ASSERT_EQ(r.alerts.size(), 1u);
  const ToolAlert& a = r.alerts[0];
  EXPECT_EQ(a.asset_name, "web-3");
  EXPECT_EQ(a.signature, "CPU load is high");
  EXPECT_EQ(a.severity, "high");  // P2
  EXPECT_EQ(a.message, "system.load.1 over host:web-3 was > 4 on average during the last 5m.");
  EXPECT_EQ(a.labels.at("env"), "prod");
  EXPECT_EQ(a.labels.at("role"), "frontend");
  EXPECT_FALSE(a.resolved);
  EXPECT_EQ(a.timestamp_micros, int64_t{1767225600} * 1'000'000);
  EXPECT_EQ(a.repeat_key, "datadog:1234567:7204486127446812345");
  EXPECT_EQ(a.metadata["alert_metric"], "system.load.1");
}

TEST(CoreIntakeDatadogTest, TransitionsPrioritiesAndFallbacks) {
  struct Case {
    std::function<void(json&)> mutate;
    std::function<void(const ToolAlert&)> check;
  };
  const std::vector<Case> cases = {
      {[](json& p) { p["alert_transition"] = "Recovered"; },
       [](const ToolAlert& a) {
         EXPECT_TRUE(a.resolved);
         EXPECT_EQ(a.repeat_key, "datadog:1234567:7204486127446812345#recovered");
       }},
      {[](json& p) { p["alert_priority"] = "P1"; }, [](const ToolAlert& a) { EXPECT_EQ(a.severity, "critical"); }},
      {[](json& p) { p["alert_priority"] = "P4"; }, [](const ToolAlert& a) { EXPECT_EQ(a.severity, "low"); }},
      {[](json& p) {
         p["alert_priority"] = "";
         p["alert_type"] = "warning";
       },
       [](const ToolAlert& a) { EXPECT_EQ(a.severity, "medium"); }},
      {[](json& p) { p["hostname"] = ""; }, [](const ToolAlert& a) { EXPECT_EQ(a.asset_name, "web-3"); }},  // host tag
      {[](json& p) {
         p["hostname"] = "";
         p["tags"] = "env:prod";
       },
       [](const ToolAlert& a) { EXPECT_EQ(a.asset_name, "datadog-monitor-1234567"); }},
      {[](json& p) { p.erase("alert_cycle_key"); },
       [](const ToolAlert& a) { EXPECT_EQ(a.repeat_key, "datadog:1234567:6820219876543210001"); }},
      {[](json& p) {
         p.erase("alert_cycle_key");
         p.erase("event_id");
       },
       [](const ToolAlert& a) { EXPECT_TRUE(a.repeat_key.empty()); }},
      {[](json& p) { p["date"] = "1767225600000"; },
       [](const ToolAlert& a) { EXPECT_EQ(a.timestamp_micros, int64_t{1767225600} * 1'000'000); }},
      {[](json& p) { p["event_msg"] = "%%%\n%%%"; },
       [](const ToolAlert& a) { EXPECT_EQ(a.message, "[Triggered on {host:web-3}] CPU load is high"); }},
  };
  for (const auto& c : cases) {
    json p = Fixture("datadog_webhook.json");
    c.mutate(p);
    AdapterResult r = AdaptDatadog(p, IntakeMapping{});
    ASSERT_FALSE(r.error) << r.error->message;
    c.check(r.alerts.at(0));
  }
}

TEST(CoreIntakeDatadogTest, EveryMalformedFieldIsNamed) {
  const std::vector<std::pair<std::function<void(json&)>, std::string>> cases = {
      {[](json& p) { p = json::array(); }, "body"},
      {[](json& p) { p.erase("alert_id"); }, "alert_id"},
      {[](json& p) { p["alert_id"] = 5; }, "alert_id"},
      {[](json& p) { p.erase("alert_transition"); }, "alert_transition"},
      {[](json& p) { p.erase("alert_title"); }, "alert_title"},
      {[](json& p) { p["alert_title"] = "[Triggered]"; }, "alert_title"},
      {[](json& p) { p["hostname"] = std::string(257, 'h'); }, "hostname"},
      {[](json& p) { p["event_msg"] = std::string(16385, 'm'); }, "event_msg"},
      {[](json& p) { p["tags"] = json::array(); }, "tags"},
      {[](json& p) { p["date"] = "soon"; }, "date"},
      {[](json& p) { p["date"] = true; }, "date"},
  };
  for (const auto& [mutate, field] : cases) {
    json p = Fixture("datadog_webhook.json");
    mutate(p);
    AdapterResult r = AdaptDatadog(p, IntakeMapping{});
    ASSERT_TRUE(r.error) << field;
    EXPECT_EQ(r.error->field, field) << r.error->message;
  }
}

}  // namespace
}  // namespace aw::core::intake
