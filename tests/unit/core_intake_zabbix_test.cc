#include "core/intake/zabbix.h"

#include <functional>
#include <gtest/gtest.h>

#include "core_intake_test_util.h"

namespace aw::core::intake {
namespace {

using nlohmann::json;
using testing::Fixture;

TEST(CoreIntakeZabbixTest, ProblemFixture) {
  AdapterResult r = AdaptZabbix(Fixture("zabbix_problem.json"), IntakeMapping{});
  ASSERT_FALSE(r.error) << r.error->message;
  ASSERT_EQ(r.alerts.size(), 1u);
  const ToolAlert& a = r.alerts[0];
  EXPECT_EQ(a.asset_name, "srv-db-01");
  EXPECT_EQ(a.signature, "High CPU utilization");
  EXPECT_EQ(a.severity, "critical");  // Disaster
  EXPECT_EQ(a.message.substr(0, 15), "Problem started");
  EXPECT_EQ(a.labels, (std::map<std::string, std::string>{
                          {"scope", "performance"}, {"component", "cpu"}, {"host", "srv-db-01"}}));
  EXPECT_FALSE(a.resolved);
  EXPECT_EQ(a.repeat_key, "zabbix:23456:4711");
  EXPECT_FALSE(a.metadata.contains("recovery_event_id"));  // "{EVENT.RECOVERY.ID}" unexpanded
  EXPECT_EQ(a.metadata["host_name"], "Database server 01");
}

TEST(CoreIntakeZabbixTest, RecoveryAndSeverities) {
  json p = Fixture("zabbix_problem.json");
  p["event_value"] = "0";
  p["recovery_event_id"] = "4712";
  AdapterResult r = AdaptZabbix(p, IntakeMapping{});
  ASSERT_FALSE(r.error);
  EXPECT_TRUE(r.alerts[0].resolved);
  EXPECT_EQ(r.alerts[0].repeat_key, "zabbix:23456:4711#resolved");
  EXPECT_EQ(r.alerts[0].metadata["recovery_event_id"], "4712");
  IntakeMapping company;
  company.severity_map = {{"average", "high"}};
  const std::vector<std::tuple<std::string, IntakeMapping, std::string>> cases = {
      {"Not classified", {}, "low"}, {"Information", {}, "low"}, {"Warning", {}, "medium"},
      {"Average", {}, "medium"},     {"High", {}, "high"},       {"Disaster", {}, "critical"},
      {"Average", company, "high"},  {"{EVENT.SEVERITY}", {}, "medium"},
  };
  for (const auto& [sev, m, want] : cases) {
    json q = Fixture("zabbix_problem.json");
    q["severity"] = sev;
    EXPECT_EQ(AdaptZabbix(q, m).alerts.at(0).severity, want) << sev;
  }
  json numbers = Fixture("zabbix_problem.json");
  numbers["event_id"] = 4711;
  numbers["event_tags"] = json::array({{{"tag", "t"}, {"value", "v"}}});
  numbers.erase("message");
  AdapterResult n = AdaptZabbix(numbers, IntakeMapping{});
  ASSERT_FALSE(n.error) << n.error->message;
  EXPECT_EQ(n.alerts[0].repeat_key, "zabbix:23456:4711");
  EXPECT_EQ(n.alerts[0].message, "Problem: High CPU utilization");  // the subject
  EXPECT_EQ(n.alerts[0].labels.at("t"), "v");
}

TEST(CoreIntakeZabbixTest, EveryMalformedFieldIsNamed) {
  const std::vector<std::pair<std::function<void(json&)>, std::string>> cases = {
      {[](json& p) { p = json::array(); }, "body"},
      {[](json& p) { p.erase("event_id"); }, "event_id"},
      {[](json& p) { p["event_id"] = "{EVENT.ID}"; }, "event_id"},
      {[](json& p) { p["event_id"] = "12a"; }, "event_id"},
      {[](json& p) { p.erase("trigger_id"); }, "trigger_id"},
      {[](json& p) { p["event_value"] = "2"; }, "event_value"},
      {[](json& p) { p.erase("event_value"); }, "event_value"},
      {[](json& p) { p.erase("host"); }, "host"},
      {[](json& p) { p["host"] = std::string(257, 'h'); }, "host"},
      {[](json& p) { p.erase("trigger_name"); }, "trigger_name"},
      {[](json& p) { p["trigger_name"] = json::object(); }, "trigger_name"},
      {[](json& p) { p["message"] = std::string(16385, 'm'); }, "message"},
      {[](json& p) { p["event_tags"] = "[oops"; }, "event_tags"},
      {[](json& p) { p["event_tags"] = "{}"; }, "event_tags"},
      {[](json& p) { p["event_tags"] = json::array({1}); }, "event_tags[0]"},
      {[](json& p) { p["event_tags"] = json::array({{{"tag", "t"}, {"value", 1}}}); }, "event_tags[0].value"},
  };
  for (const auto& [mutate, field] : cases) {
    json p = Fixture("zabbix_problem.json");
    mutate(p);
    AdapterResult r = AdaptZabbix(p, IntakeMapping{});
    ASSERT_TRUE(r.error) << field;
    EXPECT_EQ(r.error->field, field) << r.error->message;
  }
}

}  // namespace
}  // namespace aw::core::intake
