#include "core/intake/alertmanager.h"

#include <functional>
#include <gtest/gtest.h>

#include "base/time_format.h"
#include "core/intake/common.h"
#include "core/intake/grafana.h"
#include "core_intake_test_util.h"

namespace aw::core::intake {
namespace {

using nlohmann::json;
using testing::Fixture;

TEST(CoreIntakeAlertmanagerTest, WebhookFixtureFromTheDocs) {
  AdapterResult r = AdaptAlertmanagerWebhook(Fixture("alertmanager_webhook.json"), IntakeMapping{});
  ASSERT_FALSE(r.error) << r.error->message;
  ASSERT_EQ(r.alerts.size(), 2u);
  const ToolAlert& a = r.alerts[0];
  EXPECT_EQ(a.asset_name, "https://server.example.org");
  EXPECT_EQ(a.signature, "ProbeFailure");
  EXPECT_EQ(a.severity, "critical");
  EXPECT_EQ(a.message, "BlackBox Probe Failure: https://server.example.org");
  EXPECT_EQ(a.tool_source, "Alertmanager");
  EXPECT_FALSE(a.resolved);
  EXPECT_EQ(a.labels.at("job"), "http_checks");
  EXPECT_EQ(a.metadata["fingerprint"], "1a30ba71cca2921f");
  EXPECT_EQ(a.metadata["annotations"]["description"].get<std::string>().substr(0, 8), "Instance");
  EXPECT_EQ(a.timestamp_micros, ParseIso8601("2026-02-06T13:08:45.828Z"));
  EXPECT_EQ(a.repeat_key, "am:1a30ba71cca2921f@2026-02-06T13:08:45.828000Z");
  const ToolAlert& b = r.alerts[1];
  EXPECT_TRUE(b.resolved);
  EXPECT_EQ(b.severity, "medium");
  EXPECT_EQ(b.repeat_key, "am:7c3e6cf2b2d5a011@2026-02-06T12:00:00.000000Z#resolved");
}

TEST(CoreIntakeAlertmanagerTest, AssetLabelsAndFallbacks) {
  struct Case {
    json labels;
    IntakeMapping m;
    std::string asset;
  };
  IntakeMapping node;
  node.asset_labels = {"node"};
  const std::vector<Case> cases = {
      {{{"alertname", "A"}, {"instance", "i1"}, {"host", "h1"}}, {}, "i1"},
      {{{"alertname", "A"}, {"instance", ""}, {"host", "h1"}}, {}, "h1"},
      {{{"alertname", "A"}, {"hostname", "hn"}}, {}, "hn"},
      {{{"alertname", "A"}, {"pod", "p-1"}}, {}, "p-1"},
      {{{"alertname", "A"}, {"job", "api"}}, {}, "api"},
      {{{"alertname", "A"}}, {}, "unknown"},
      {{{"alertname", "A"}, {"instance", "i1"}, {"node", "n1"}}, node, "n1"},
  };
  for (const auto& c : cases) {
    json p = {{"version", "4"}, {"alerts", {{{"status", "firing"}, {"labels", c.labels}}}}};
    AdapterResult r = AdaptAlertmanagerWebhook(p, c.m);
    ASSERT_FALSE(r.error) << c.labels.dump() << ": " << r.error->message;
    EXPECT_EQ(r.alerts.at(0).asset_name, c.asset) << c.labels.dump();
  }
}

TEST(CoreIntakeAlertmanagerTest, SeverityTableThenCompanyMapThenDefault) {
  IntakeMapping company;
  company.severity_map = {{"page", "low"}};
  company.default_severity = "high";
  const std::vector<std::tuple<std::string, IntakeMapping, std::string>> cases = {
      {"critical", {}, "critical"}, {"CRITICAL", {}, "critical"}, {"page", {}, "critical"},
      {"error", {}, "high"},        {"warning", {}, "medium"},    {"info", {}, "low"},
      {"low", {}, "low"},           {"bogus", {}, "medium"},      {"", {}, "medium"},
      {"page", company, "low"},     {"bogus", company, "high"},   {"warning", company, "medium"},
  };
  for (const auto& [sev, m, want] : cases) {
    json labels = {{"alertname", "A"}, {"instance", "x"}};
    if (!sev.empty()) labels["severity"] = sev;
    json p = {{"alerts", {{{"status", "firing"}, {"labels", labels}}}}};
    AdapterResult r = AdaptAlertmanagerWebhook(p, m);
    ASSERT_FALSE(r.error);
    EXPECT_EQ(r.alerts[0].severity, want) << sev;
  }
}

TEST(CoreIntakeAlertmanagerTest, EveryMalformedFieldIsNamed) {
  auto base = [] {
    return json{{"version", "4"},
                {"alerts",
                 {{{"status", "firing"},
                   {"labels", {{"alertname", "A"}, {"instance", "x"}}},
                   {"annotations", {{"summary", "s"}}},
                   {"startsAt", "2026-01-01T00:00:00Z"}}}}};
  };
  const std::vector<std::pair<std::function<void(json&)>, std::string>> cases = {
      {[](json& p) { p = json::array(); }, "body"},
      {[](json& p) { p["version"] = "3"; }, "version"},
      {[](json& p) { p.erase("alerts"); }, "alerts"},
      {[](json& p) { p["alerts"] = "x"; }, "alerts"},
      {[](json& p) { p["alerts"] = json::array({1}); }, "alerts[0]"},
      {[](json& p) { p["alerts"][0].erase("status"); }, "alerts[0].status"},
      {[](json& p) { p["alerts"][0]["status"] = "pending"; }, "alerts[0].status"},
      {[](json& p) { p["alerts"][0].erase("labels"); }, "alerts[0].labels"},
      {[](json& p) { p["alerts"][0]["labels"] = "x"; }, "alerts[0].labels"},
      {[](json& p) { p["alerts"][0]["labels"].erase("alertname"); }, "alerts[0].labels.alertname"},
      {[](json& p) { p["alerts"][0]["labels"]["alertname"] = 1; }, "alerts[0].labels.alertname"},
      {[](json& p) { p["alerts"][0]["labels"]["alertname"] = std::string(257, 'a'); }, "alerts[0].labels.alertname"},
      {[](json& p) { p["alerts"][0]["labels"]["instance"] = std::string(257, 'i'); }, "alerts[0].labels"},
      {[](json& p) { p["alerts"][0]["annotations"] = json::array(); }, "alerts[0].annotations"},
      {[](json& p) { p["alerts"][0]["annotations"]["summary"] = std::string(16385, 's'); }, "alerts[0].annotations.summary"},
      {[](json& p) { p["alerts"][0]["startsAt"] = "yesterday"; }, "alerts[0].startsAt"},
      {[](json& p) { p["alerts"][0]["endsAt"] = 5; }, "alerts[0].endsAt"},
      {[](json& p) { p["alerts"][0]["generatorURL"] = 5; }, "alerts[0].generatorURL"},
      {[](json& p) { p["receiver"] = json::object(); }, "receiver"},
      {[](json& p) { p["commonLabels"] = json::array(); }, "commonLabels"},
      {[](json& p) {
         json a = p["alerts"][0];
         p["alerts"] = json::array();
         for (int i = 0; i < 1001; ++i) p["alerts"].push_back(a);
       },
       "alerts"},
  };
  for (const auto& [mutate, field] : cases) {
    json p = base();
    mutate(p);
    AdapterResult r = AdaptAlertmanagerWebhook(p, IntakeMapping{});
    ASSERT_TRUE(r.error) << field;
    EXPECT_EQ(r.error->field, field) << r.error->message;
    EXPECT_NE(r.error->message.find(' '), std::string::npos) << "a sentence: " << r.error->message;
    EXPECT_TRUE(r.alerts.empty());
  }
}

TEST(CoreIntakeAlertmanagerTest, ApiV2EndsAtDecidesResolved) {
  const int64_t now = *ParseIso8601("2026-02-06T12:30:00Z");
  AdapterResult r = AdaptAlertmanagerApiV2(Fixture("prometheus_api_v2.json"), IntakeMapping{}, now);
  ASSERT_FALSE(r.error) << r.error->message;
  ASSERT_EQ(r.alerts.size(), 2u);
  EXPECT_FALSE(r.alerts[0].resolved);
  EXPECT_EQ(r.alerts[0].severity, "critical");  // severity "page"
  EXPECT_EQ(r.alerts[0].tool_source, "Prometheus");
  EXPECT_EQ(r.alerts[0].message, "web-1:9100 is down");
  EXPECT_TRUE(r.alerts[1].resolved);  // endsAt 12:00 <= now
  EXPECT_EQ(r.alerts[1].repeat_key.substr(0, 5), "prom:");
  EXPECT_NE(r.alerts[1].repeat_key.find("#resolved"), std::string::npos);
  // The fingerprint comes from the labels: same labels, same key.
  AdapterResult again = AdaptAlertmanagerApiV2(Fixture("prometheus_api_v2.json"), IntakeMapping{}, now);
  EXPECT_EQ(again.alerts[0].repeat_key, r.alerts[0].repeat_key);
  // endsAt exactly now is resolved; without startsAt there is no repeat key.
  json one = json::array({{{"labels", {{"alertname", "A"}}}, {"endsAt", "2026-02-06T12:30:00Z"}}});
  AdapterResult edge = AdaptAlertmanagerApiV2(one, IntakeMapping{}, now);
  ASSERT_FALSE(edge.error);
  EXPECT_TRUE(edge.alerts[0].resolved);
  EXPECT_TRUE(edge.alerts[0].repeat_key.empty());
  // An object is not the API's body.
  EXPECT_EQ(AdaptAlertmanagerApiV2(json::object(), IntakeMapping{}, now).error->field, "body");
  json bad = json::array({{{"labels", {{"alertname", "A"}}}, {"startsAt", "x"}}});
  EXPECT_EQ(AdaptAlertmanagerApiV2(bad, IntakeMapping{}, now).error->field, "[0].startsAt");
}

TEST(CoreIntakeAlertmanagerTest, GrafanaKeepsItsFields) {
  AdapterResult r = AdaptGrafana(Fixture("grafana_webhook.json"), IntakeMapping{});
  ASSERT_FALSE(r.error) << r.error->message;
  ASSERT_EQ(r.alerts.size(), 1u);
  const ToolAlert& a = r.alerts[0];
  EXPECT_EQ(a.tool_source, "Grafana");
  EXPECT_EQ(a.signature, "High memory usage");
  EXPECT_EQ(a.asset_name, "app-1");
  EXPECT_EQ(a.metadata["org_id"], 1);
  EXPECT_EQ(a.metadata["values"]["C"], 1);
  EXPECT_FALSE(a.metadata.contains("dashboardURL"));  // empty: not kept
  EXPECT_EQ(a.repeat_key.substr(0, 8), "grafana:");
  json bad = Fixture("grafana_webhook.json");
  bad["orgId"] = "one";
  EXPECT_EQ(AdaptGrafana(bad, IntakeMapping{}).error->field, "orgId");
}

TEST(CoreIntakeCommonTest, TruncateKeepsWholeCharacters) {
  EXPECT_EQ(Truncate("abc", 5), "abc");
  EXPECT_EQ(Truncate("h\xC3\xA9llo", 2), "h");  // never half of "é"
  EXPECT_EQ(Truncate("h\xC3\xA9llo", 3), "h\xC3\xA9");
  EXPECT_EQ(LabelFingerprint({{"a", "b"}}), LabelFingerprint({{"a", "b"}}));
  EXPECT_NE(LabelFingerprint({{"a", "bc"}}), LabelFingerprint({{"ab", "c"}}));
}

}  // namespace
}  // namespace aw::core::intake
