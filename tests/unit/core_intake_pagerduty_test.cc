#include "core/intake/pagerduty.h"

#include <functional>
#include <gtest/gtest.h>

#include "base/time_format.h"
#include "core_intake_test_util.h"

namespace aw::core::intake {
namespace {

using nlohmann::json;
using testing::Fixture;

TEST(CoreIntakePagerDutyTest, TriggerFixtureFromTheDocs) {
  PagerDutyResult r = AdaptPagerDuty(Fixture("pagerduty_trigger.json"), IntakeMapping{});
  ASSERT_FALSE(r.error) << r.error->message;
  ASSERT_TRUE(r.event && r.event->alert);
  EXPECT_EQ(r.event->action, PagerDutyAction::kTrigger);
  EXPECT_EQ(r.event->routing_key, "REPLACED-BY-THE-TEST");
  EXPECT_EQ(r.event->dedup_key, "samplekeyhere");
  const ToolAlert& a = *r.event->alert;
  EXPECT_EQ(a.asset_name, "prod-datapipe03.example.com");
  EXPECT_EQ(a.signature, "disk");  // payload.class
  EXPECT_EQ(a.severity, "critical");
  EXPECT_EQ(a.message, "DISK at 99% on machine prod-datapipe03.example.com");
  EXPECT_EQ(a.tool_source, "PagerDuty");
  EXPECT_EQ(a.labels.at("component"), "mysql");
  EXPECT_EQ(a.labels.at("group"), "prod-datapipe");
  EXPECT_EQ(a.metadata["custom_details"]["ping time"], "1500ms");
  EXPECT_EQ(a.metadata["dedup_key"], "samplekeyhere");
  EXPECT_EQ(a.timestamp_micros, ParseIso8601("2026-01-10T13:10:31.021+00:00"));
  EXPECT_TRUE(a.repeat_key.empty());  // repeats by content: a resolved dedup_key may trigger again
}

TEST(CoreIntakePagerDutyTest, SeverityAndSignature) {
  IntakeMapping company;
  company.severity_map = {{"error", "critical"}};
  const std::vector<std::tuple<std::string, IntakeMapping, std::string>> cases = {
      {"critical", {}, "critical"}, {"error", {}, "high"},         {"warning", {}, "medium"},
      {"info", {}, "low"},          {"error", company, "critical"},
  };
  for (const auto& [sev, m, want] : cases) {
    json p = Fixture("pagerduty_trigger.json");
    p["payload"]["severity"] = sev;
    EXPECT_EQ(AdaptPagerDuty(p, m).event->alert->severity, want) << sev;
  }
  json p = Fixture("pagerduty_trigger.json");
  p["payload"].erase("class");
  EXPECT_EQ(AdaptPagerDuty(p, {}).event->alert->signature, "samplekeyhere");  // then dedup_key
  p.erase("dedup_key");
  PagerDutyResult gen = AdaptPagerDuty(p, {});
  ASSERT_FALSE(gen.error);
  EXPECT_EQ(gen.event->dedup_key.substr(0, 3), "aw-");
  EXPECT_EQ(gen.event->dedup_key, AdaptPagerDuty(p, {}).event->dedup_key);  // stable
}

TEST(CoreIntakePagerDutyTest, AcknowledgeAndResolveNeedOnlyTheKey) {
  json ack = {{"routing_key", "k"}, {"event_action", "acknowledge"}, {"dedup_key", "d1"}};
  PagerDutyResult r = AdaptPagerDuty(ack, {});
  ASSERT_FALSE(r.error);
  EXPECT_EQ(r.event->action, PagerDutyAction::kAcknowledge);
  EXPECT_FALSE(r.event->alert);
  json res = {{"routing_key", "k"}, {"event_action", "resolve"}, {"dedup_key", "d1"}};
  EXPECT_EQ(AdaptPagerDuty(res, {}).event->action, PagerDutyAction::kResolve);
  res.erase("dedup_key");
  EXPECT_EQ(AdaptPagerDuty(res, {}).error->field, "dedup_key");
  EXPECT_EQ(PagerDutyRoutingKey(ack), "k");
  EXPECT_EQ(PagerDutyRoutingKey(json::array()), "");
}

TEST(CoreIntakePagerDutyTest, EveryMalformedFieldIsNamed) {
  const std::vector<std::pair<std::function<void(json&)>, std::string>> cases = {
      {[](json& p) { p = json::array(); }, "body"},
      {[](json& p) { p.erase("event_action"); }, "event_action"},
      {[](json& p) { p["event_action"] = "snooze"; }, "event_action"},
      {[](json& p) { p["routing_key"] = 5; }, "routing_key"},
      {[](json& p) { p["dedup_key"] = std::string(256, 'k'); }, "dedup_key"},
      {[](json& p) { p.erase("payload"); }, "payload"},
      {[](json& p) { p["payload"] = "x"; }, "payload"},
      {[](json& p) { p["payload"].erase("summary"); }, "payload.summary"},
      {[](json& p) { p["payload"]["summary"] = std::string(1025, 's'); }, "payload.summary"},
      {[](json& p) { p["payload"].erase("source"); }, "payload.source"},
      {[](json& p) { p["payload"]["source"] = ""; }, "payload.source"},
      {[](json& p) { p["payload"].erase("severity"); }, "payload.severity"},
      {[](json& p) { p["payload"]["severity"] = "high"; }, "payload.severity"},
      {[](json& p) { p["payload"]["timestamp"] = "now"; }, "payload.timestamp"},
      {[](json& p) { p["payload"]["class"] = 3; }, "payload.class"},
      {[](json& p) { p["links"] = "x"; }, "links"},
      {[](json& p) { p["client"] = 1; }, "client"},
  };
  for (const auto& [mutate, field] : cases) {
    json p = Fixture("pagerduty_trigger.json");
    mutate(p);
    PagerDutyResult r = AdaptPagerDuty(p, {});
    ASSERT_TRUE(r.error) << field;
    EXPECT_EQ(r.error->field, field) << r.error->message;
    EXPECT_FALSE(r.event);
  }
}

}  // namespace
}  // namespace aw::core::intake
