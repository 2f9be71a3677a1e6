#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "core/intake/cloudwatch.h"
#include "core/intake/sns_message.h"

namespace aw::core::intake {
namespace {

using nlohmann::json;

json Fixture(const std::string& name) {
  std::ifstream in(std::string(AW_TESTDATA_DIR) + "/intake/cloudwatch/" + name);
  EXPECT_TRUE(in.good()) << name;
  std::stringstream ss;
  ss << in.rdbuf();
  return json::parse(ss.str());
}

struct GoodCase {
  const char* fixture;
  const char* asset;
  const char* signature;
  const char* severity;
  bool resolved;
  const char* repeat_key;
};

TEST(CoreIntakeCloudWatchTest, FixturesMapToOneAlert) {
  const GoodCase cases[] = {
      {"alarm_ec2_cpu.json", "i-0abc123def4567890", "web-1 CPU high", "critical", false,
       "arn:aws:cloudwatch:us-east-1:123456789012:alarm:web-1 CPU high|2026-12-03T09:15:27.512+0000"},
      {"alarm_ec2_cpu_ok.json", "i-0abc123def4567890", "web-1 CPU high", "critical", true,
       "arn:aws:cloudwatch:us-east-1:123456789012:alarm:web-1 CPU high|2026-12-03T09:30:27.871+0000"},
      {"alarm_alb_two_dimensions.json", "targetgroup/api/0123456789abcdef", "api 5xx", "medium", false,
       "arn:aws:cloudwatch:eu-central-1:123456789012:alarm:api 5xx|2026-12-03T10:01:02.003+0000"},
      {"alarm_metric_math.json", "jobs", "queue backlog per instance", "medium", false,
       "arn:aws:cloudwatch:us-west-2:123456789012:alarm:queue backlog per "
       "instance|2026-12-03T10:21:00.120+0000"},
      {"alarm_no_dimensions.json", "billing over budget", "billing over budget", "medium", false,
       "arn:aws:cloudwatch:us-east-1:123456789012:alarm:billing over budget|2026-12-03T06:05:00.000+0000"},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.fixture);
    AdapterResult r = AdaptCloudWatchAlarm(Fixture(c.fixture), IntakeMapping{});
    ASSERT_FALSE(r.error) << r.error->message;
    ASSERT_EQ(r.alerts.size(), 1u);
    const ToolAlert& a = r.alerts[0];
    EXPECT_EQ(a.asset_name, c.asset);
    EXPECT_EQ(a.signature, c.signature);
    EXPECT_EQ(a.severity, c.severity);
    EXPECT_EQ(a.resolved, c.resolved);
    EXPECT_EQ(a.repeat_key, c.repeat_key);
    EXPECT_EQ(a.tool_source, "CloudWatch");
    EXPECT_TRUE(a.timestamp_micros.has_value());
    EXPECT_FALSE(a.message.empty());
    EXPECT_EQ(a.labels.at("alarm_name"), c.signature);
  }
}

TEST(CoreIntakeCloudWatchTest, Ec2AlarmDetails) {
  AdapterResult r = AdaptCloudWatchAlarm(Fixture("alarm_ec2_cpu.json"), IntakeMapping{});
  ASSERT_EQ(r.alerts.size(), 1u);
  const ToolAlert& a = r.alerts[0];
  EXPECT_EQ(*a.timestamp_micros, 1'796'289'327'512'000);  // 2026-12-03T09:15:27.512Z
  EXPECT_EQ(a.message.rfind("Threshold Crossed: 1 out of the last 1 datapoints [93.4", 0), 0u);
  EXPECT_EQ(a.labels.at("InstanceId"), "i-0abc123def4567890");
  EXPECT_EQ(a.labels.at("namespace"), "AWS/EC2");
  EXPECT_EQ(a.labels.at("metric_name"), "CPUUtilization");
  EXPECT_EQ(a.labels.at("aws_account_id"), "123456789012");
  EXPECT_EQ(a.metadata.at("alarm_arn"), "arn:aws:cloudwatch:us-east-1:123456789012:alarm:web-1 CPU high");
  EXPECT_EQ(a.metadata.at("old_state"), "OK");
  EXPECT_EQ(a.metadata.at("trigger").at("Threshold"), 80.0);
}

TEST(CoreIntakeCloudWatchTest, InsufficientDataIsNoAlertAndNoError) {
  AdapterResult r = AdaptCloudWatchAlarm(Fixture("alarm_insufficient_data.json"), IntakeMapping{});
  EXPECT_FALSE(r.error);
  EXPECT_TRUE(r.alerts.empty());
}

TEST(CoreIntakeCloudWatchTest, MappingChoosesTheAssetDimensionAndSeverity) {
  IntakeMapping m;
  m.asset_labels = {"loadbalancer"};  // case-insensitive dimension name
  m.severity_map = {{"warning", "high"}};
  m.default_severity = "low";
  AdapterResult r = AdaptCloudWatchAlarm(Fixture("alarm_alb_two_dimensions.json"), m);
  ASSERT_EQ(r.alerts.size(), 1u);
  EXPECT_EQ(r.alerts[0].asset_name, "app/api-alb/50dc6c495c0c9188");
  EXPECT_EQ(r.alerts[0].severity, "high");
  r = AdaptCloudWatchAlarm(Fixture("alarm_metric_math.json"), m);  // no severity in the description
  ASSERT_EQ(r.alerts.size(), 1u);
  EXPECT_EQ(r.alerts[0].severity, "low");
  EXPECT_EQ(r.alerts[0].asset_name, "jobs");  // no LoadBalancer dimension: the first one
}

TEST(CoreIntakeCloudWatchTest, SeverityFromDescription) {
  const std::pair<const char*, const char*> cases[] = {
      {"severity: critical", "critical"},
      {"Severity:HIGH - page someone", "high"},
      {"[severity=warning]", "medium"},
      {"sev: p1", ""},
      {"severity = info", "low"},
      {"severity: banana", ""},
      {"no tag here", ""},
      {"severity p2 severity: p2", "high"},
  };
  for (const auto& [text, want] : cases)
    EXPECT_EQ(SeverityFromDescription(text, IntakeMapping{}), want) << text;
}

TEST(CoreIntakeCloudWatchTest, MalformedFieldsAreNamed) {
  const json base = Fixture("alarm_ec2_cpu.json");
  struct Bad {
    const char* what;
    std::function<void(json&)> edit;
    const char* field;
  };
  const Bad cases[] = {
      {"no state", [](json& j) { j.erase("NewStateValue"); }, "Message.NewStateValue"},
      {"bad state", [](json& j) { j["NewStateValue"] = "FIRING"; }, "Message.NewStateValue"},
      {"state not a string", [](json& j) { j["NewStateValue"] = 1; }, "Message.NewStateValue"},
      {"bad time", [](json& j) { j["StateChangeTime"] = "yesterday"; }, "Message.StateChangeTime"},
      {"name not a string", [](json& j) { j["AlarmName"] = json::array(); }, "Message.AlarmName"},
      {"no name, no metric",
       [](json& j) {
         j.erase("AlarmName");
         j.erase("Trigger");
       },
       "Message.AlarmName"},
      {"trigger not an object", [](json& j) { j["Trigger"] = "x"; }, "Message.Trigger"},
      {"dimensions not an array", [](json& j) { j["Trigger"]["Dimensions"] = "x"; },
       "Message.Trigger.Dimensions"},
      {"dimension without value", [](json& j) { j["Trigger"]["Dimensions"][0].erase("value"); },
       "Message.Trigger.Dimensions[0].value"},
      {"dimension value a number", [](json& j) { j["Trigger"]["Dimensions"][0]["value"] = 5; },
       "Message.Trigger.Dimensions[0].value"},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.what);
    json j = base;
    c.edit(j);
    AdapterResult r = AdaptCloudWatchAlarm(j, IntakeMapping{});
    ASSERT_TRUE(r.error);
    EXPECT_EQ(r.error->field, c.field);
    EXPECT_NE(r.error->message.find(c.field), std::string::npos) << r.error->message;
    EXPECT_TRUE(r.alerts.empty());
  }
  for (const char* text : {"", "not json", "[1,2]", "\"a string\""}) {
    AdapterResult r = AdaptCloudWatchMessage(text, IntakeMapping{});
    ASSERT_TRUE(r.error) << text;
    EXPECT_EQ(r.error->field, "Message");
  }
}

TEST(CoreIntakeCloudWatchTest, NoNameFallsBackToTheMetric) {
  json j = Fixture("alarm_ec2_cpu.json");
  j.erase("AlarmName");
  AdapterResult r = AdaptCloudWatchAlarm(j, IntakeMapping{});
  ASSERT_EQ(r.alerts.size(), 1u);
  EXPECT_EQ(r.alerts[0].signature, "AWS/EC2/CPUUtilization");
}

TEST(CoreIntakeCloudWatchTest, LongValuesAreShortenedAtACharacterBoundary) {
  json j = Fixture("alarm_ec2_cpu.json");
  std::string value(255, 'a');
  value += "\xC3\xA9";  // 'é' straddles byte 256
  value += std::string(700, 'b');
  j["Trigger"]["Dimensions"][0]["value"] = value;
  AdapterResult r = AdaptCloudWatchAlarm(j, IntakeMapping{});
  ASSERT_EQ(r.alerts.size(), 1u);
  EXPECT_EQ(r.alerts[0].asset_name, std::string(255, 'a'));
}

// ---- SNS envelope -------------------------------------------------------

TEST(CoreIntakeSnsTest, StringToSignFollowsTheDocumentedOrder) {
  SnsMessage n;
  ASSERT_FALSE(ParseSnsMessage(Fixture("sns_notification.json"), &n));
  EXPECT_EQ(SnsStringToSign(n),
            "Message\n{\"AlarmName\":\"web-1 CPU high\",\"NewStateValue\":\"ALARM\"}\n"
            "MessageId\n22b80b92-fdea-4c2c-8f9d-bdfb0c7bf324\n"
            "Subject\nALARM: \"web-1 CPU high\" in US East (N. Virginia)\n"
            "Timestamp\n2026-12-03T09:15:27.601Z\n"
            "TopicArn\narn:aws:sns:us-east-1:123456789012:alertwhisperer\n"
            "Type\nNotification\n");
  n.subject.reset();  // without a Subject, no Subject line
  EXPECT_EQ(SnsStringToSign(n).find("Subject"), std::string::npos);

  SnsMessage c;
  ASSERT_FALSE(ParseSnsMessage(Fixture("sns_subscription_confirmation.json"), &c));
  EXPECT_EQ(c.type, SnsType::kSubscriptionConfirmation);
  const std::string s = SnsStringToSign(c);
  size_t at = 0;
  for (const char* name : {"Message\n", "MessageId\n", "SubscribeURL\n", "Timestamp\n", "Token\n",
                           "TopicArn\n", "Type\nSubscriptionConfirmation\n"}) {
    size_t found = s.find(name, at);
    ASSERT_NE(found, std::string::npos) << name;
    at = found;
  }
}

TEST(CoreIntakeSnsTest, MissingFieldsAreNamed) {
  const json base = Fixture("sns_subscription_confirmation.json");
  for (const char* field : {"Type", "MessageId", "TopicArn", "Message", "Timestamp", "SignatureVersion",
                            "Signature", "SigningCertURL", "SubscribeURL", "Token"}) {
    json j = base;
    j.erase(field);
    SnsMessage m;
    auto e = ParseSnsMessage(j, &m);
    ASSERT_TRUE(e) << field;
    EXPECT_EQ(e->field, field);
  }
  json j = base;
  j["SignatureVersion"] = "3";
  SnsMessage m;
  EXPECT_EQ(ParseSnsMessage(j, &m)->field, "SignatureVersion");
  j = base;
  j["Type"] = "Publish";
  EXPECT_EQ(ParseSnsMessage(j, &m)->field, "Type");
  j = base;
  j["Token"] = 5;
  EXPECT_EQ(ParseSnsMessage(j, &m)->field, "Token");
  EXPECT_EQ(ParseSnsMessage(json::array(), &m)->field, "body");
}

TEST(CoreIntakeSnsTest, OnlySnsHostsMayBeFetched) {
  const std::pair<const char*, bool> pem_cases[] = {
      {"https://sns.us-east-1.amazonaws.com/SimpleNotificationService-abc.pem", true},
      {"https://sns.cn-north-1.amazonaws.com.cn/SimpleNotificationService-abc.pem", true},
      {"http://sns.us-east-1.amazonaws.com/SimpleNotificationService-abc.pem", false},
      {"https://sns.us-east-1.amazonaws.com.evil.com/x.pem", false},
      {"https://evil.com/sns.us-east-1.amazonaws.com/x.pem", false},
      {"https://sns.us-east-1.amazonaws.com@evil.com/x.pem", false},
      {"https://sns.us-east-1.amazonaws.com:8443/x.pem", false},
      {"https://sns.US-EAST-1.amazonaws.com/x.pem", false},
      {"https://sns..amazonaws.com/x.pem", false},
      {"https://sqs.us-east-1.amazonaws.com/x.pem", false},
      {"https://sns.us-east-1.amazonaws.com/x.pem.txt", false},
      {"https://sns.us-east-1.amazonaws.com/x.txt?a=.pem", false},
      {"https://sns.us-east-1.amazonaws.com", false},
      {"https://sns.us-east-1.amazonaws.com/x\\@evil.com/y.pem", false},
      {"", false},
  };
  for (const auto& [url, ok] : pem_cases) EXPECT_EQ(IsAllowedSnsUrl(url, "", true), ok) << url;
  EXPECT_TRUE(
      IsAllowedSnsUrl("https://sns.eu-west-1.amazonaws.com/?Action=ConfirmSubscription&Token=x", "", false));
  EXPECT_FALSE(IsAllowedSnsUrl("https://example.com/?Action=ConfirmSubscription", "", false));
  // The test override replaces the host rule, and only it.
  EXPECT_TRUE(IsAllowedSnsUrl("http://127.0.0.1:5000/cert.pem", "http://127.0.0.1:5000", true));
  EXPECT_FALSE(IsAllowedSnsUrl("http://127.0.0.1:5000/cert.txt", "http://127.0.0.1:5000", true));
  EXPECT_FALSE(IsAllowedSnsUrl("http://127.0.0.1:50001/cert.pem", "http://127.0.0.1:5000", true));
  EXPECT_FALSE(IsAllowedSnsUrl("https://sns.us-east-1.amazonaws.com/x.pem", "http://127.0.0.1:5000", true));
  EXPECT_TRUE(IsAllowedSnsUrl("http://127.0.0.1:5000/confirm?t=1", "http://127.0.0.1:5000", false));
}

}  // namespace
}  // namespace aw::core::intake
