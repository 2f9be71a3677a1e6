// Noise control maths (core/matchers.h, core/maintenance.h,
// core/suppression.h): matchers as Alertmanager's, window edges to the
// second, a weekly window across the DST changes of Europe/Berlin, SLA
// deadlines paused by maintenance, and the suppression decision.

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "base/time_format.h"
#include "core/maintenance.h"
#include "core/matchers.h"
#include "core/suppression.h"
#include "services/tz_database.h"

namespace aw::core {
namespace {

using nlohmann::json;

int64_t Utc(const std::string& iso) {
  auto us = ParseIso8601(iso);
  EXPECT_TRUE(us.has_value()) << iso;
  return us.value_or(0) / 1'000'000;
}

std::vector<Matcher> Parse(const json& list) {
  std::vector<Matcher> out;
  auto e = ParseMatchers(list, "matchers", true, &out);
  EXPECT_FALSE(e.has_value()) << (e ? e->field + ": " + e->message : "");
  return out;
}

MatchFacts Facts(std::string asset, std::string signature, std::string severity = "high",
                 std::map<std::string, std::string> labels = {}) {
  return {std::move(asset), std::move(signature), std::move(severity), "Prometheus", std::move(labels)};
}

TEST(MatchersTest, OperatorsFieldsAndLabels) {
  const MatchFacts a = Facts("web-1", "disk_full", "critical", {{"team", "ops"}, {"severity", "page"}});
  struct Case {
    json matcher;
    bool want;
  } cases[] = {
      {{{"name", "asset"}, {"op", "="}, {"value", "web-1"}}, true},
      {{{"name", "asset"}, {"value", "web-1"}}, true},  // op defaults to "="
      {{{"name", "asset"}, {"op", "!="}, {"value", "web-1"}}, false},
      {{{"name", "signature"}, {"op", "=~"}, {"value", "disk_.*"}}, true},
      {{{"name", "signature"}, {"op", "=~"}, {"value", "disk"}}, false},  // anchored: no substring match
      {{{"name", "asset"}, {"op", "=~"}, {"value", "web-[0-9]+|db-1"}}, true},  // anchors wrap alternatives
      {{{"name", "asset"}, {"op", "=~"}, {"value", "eb-1"}}, false},
      {{{"name", "asset"}, {"op", "!~"}, {"value", "db-.*"}}, true},
      {{{"name", "severity"}, {"value", "critical"}}, true},
      {{{"name", "labels.severity"}, {"value", "page"}}, true},  // the label, not the field
      {{{"name", "team"}, {"value", "ops"}}, true},
      {{{"name", "labels.team"}, {"value", "ops"}}, true},
      {{{"name", "region"}, {"value", ""}}, true},  // a missing label reads as ""
      {{{"name", "region"}, {"op", "!="}, {"value", ""}}, false},
      {{{"name", "tool"}, {"value", "Prometheus"}}, true},
  };
  for (const auto& c : cases) {
    auto ms = Parse(json::array({c.matcher}));
    ASSERT_EQ(ms.size(), 1u);
    EXPECT_EQ(Matches(ms[0], a), c.want) << c.matcher.dump();
  }
}

TEST(MatchersTest, InvalidInputNamesTheField) {
  struct Case {
    json list;
    std::string field;
  } cases[] = {
      {json::object(), "matchers"},
      {json::array(), "matchers"},
      {json::array({1}), "matchers[0]"},
      {json::array({{{"op", "="}, {"value", "x"}}}), "matchers[0].name"},
      {json::array({{{"name", "asset"}, {"op", "=="}, {"value", "x"}}}), "matchers[0].op"},
      {json::array({{{"name", "asset"}, {"value", 3}}}), "matchers[0].value"},
      {json::array(
           {{{"name", "asset"}, {"value", "a"}}, {{"name", "asset"}, {"op", "=~"}, {"value", "(unclosed"}}}),
       "matchers[1].value"},
      {json::array({{{"name", "asset"}, {"op", "=~"}, {"value", std::string(kMaxPatternLength + 1, 'a')}}}),
       "matchers[0].value"},
  };
  for (const auto& c : cases) {
    std::vector<Matcher> out;
    auto e = ParseMatchers(c.list, "matchers", true, &out);
    ASSERT_TRUE(e.has_value()) << c.list.dump();
    EXPECT_EQ(e->field, c.field) << c.list.dump();
    EXPECT_FALSE(e->message.empty());
  }
}

TEST(MatchersTest, OverlongValuesNeverMatchARegex) {
  auto ms = Parse(json::array({{{"name", "team"}, {"op", "=~"}, {"value", "a*"}}}));
  MatchFacts a = Facts("x", "y", "low", {{"team", std::string(kMaxMatchedLength + 1, 'a')}});
  EXPECT_FALSE(Matches(ms[0], a));
  a.labels["team"] = std::string(kMaxMatchedLength, 'a');
  EXPECT_TRUE(Matches(ms[0], a));
}

TEST(MatchersTest, LabelsFromMetadata) {
  auto l = LabelsFromMetadata({{"labels", {{"a", "x"}, {"n", 3}, {"o", {{"deep", 1}}}}}});
  EXPECT_EQ(l.at("a"), "x");
  EXPECT_EQ(l.at("n"), "3");
  EXPECT_EQ(l.count("o"), 0u);
  EXPECT_TRUE(LabelsFromMetadata(json::object()).empty());
  EXPECT_TRUE(LabelsFromMetadata({{"labels", "x"}}).empty());
}

TEST(MaintenanceTest, OneOffEdgesAreHalfOpen) {
  MaintenanceWindow w;
  w.start_s = Utc("2026-03-01T10:00:00Z");
  w.end_s = Utc("2026-03-01T12:00:00Z");
  EXPECT_FALSE(InWindow(w, w.start_s - 1));
  EXPECT_TRUE(InWindow(w, w.start_s));
  EXPECT_TRUE(InWindow(w, w.end_s - 1));
  EXPECT_FALSE(InWindow(w, w.end_s));
}

TEST(MaintenanceTest, WeeklyWindowFollowsBerlinWallClockAcrossDst) {
  MaintenanceWindow w;
  w.weekly = true;
  w.days[6] = true;  // Sunday
  w.start_minute = 1 * 60;
  w.end_minute = 5 * 60;
  w.tz = services::FindTimeZone("Europe/Berlin");
  ASSERT_NE(w.tz, nullptr);
  // 2026-03-29: CET -> CEST at 02:00 local. 01:00 CET = 00:00Z; 05:00 CEST = 03:00Z (three real hours).
  auto iv = WindowIntervals(w, Utc("2026-03-28T00:00:00Z"), Utc("2026-03-30T00:00:00Z"));
  ASSERT_EQ(iv.size(), 1u);
  EXPECT_EQ(iv[0].first, Utc("2026-03-29T00:00:00Z"));
  EXPECT_EQ(iv[0].second, Utc("2026-03-29T03:00:00Z"));
  // The Sunday before: 01:00 CET = 00:00Z, 05:00 CET = 04:00Z.
  iv = WindowIntervals(w, Utc("2026-03-21T00:00:00Z"), Utc("2026-03-23T00:00:00Z"));
  ASSERT_EQ(iv.size(), 1u);
  EXPECT_EQ(iv[0].second, Utc("2026-03-22T04:00:00Z"));
  // The Sunday after: CEST, 01:00 = 23:00Z Saturday, 05:00 = 03:00Z.
  iv = WindowIntervals(w, Utc("2026-04-04T00:00:00Z"), Utc("2026-04-06T00:00:00Z"));
  ASSERT_EQ(iv.size(), 1u);
  EXPECT_EQ(iv[0].first, Utc("2026-04-04T23:00:00Z"));
  EXPECT_EQ(iv[0].second, Utc("2026-04-05T03:00:00Z"));
  // 2026-10-25: CEST -> CET at 03:00 local: five real hours.
  iv = WindowIntervals(w, Utc("2026-10-24T00:00:00Z"), Utc("2026-10-26T00:00:00Z"));
  ASSERT_EQ(iv.size(), 1u);
  EXPECT_EQ(iv[0].second - iv[0].first, 5 * 3600);
  // Edges to the second.
  EXPECT_FALSE(InWindow(w, Utc("2026-04-04T22:59:59Z")));
  EXPECT_TRUE(InWindow(w, Utc("2026-04-04T23:00:00Z")));
  EXPECT_TRUE(InWindow(w, Utc("2026-04-05T02:59:59Z")));
  EXPECT_FALSE(InWindow(w, Utc("2026-04-05T03:00:00Z")));
}

TEST(MaintenanceTest, WeeklyWindowAcrossMidnight) {
  MaintenanceWindow w;
  w.weekly = true;
  w.days[4] = true;  // Friday 22:00 - Saturday 02:00 UTC
  w.start_minute = 22 * 60;
  w.end_minute = 2 * 60;
  w.tz = services::FindTimeZone("UTC");
  ASSERT_NE(w.tz, nullptr);
  EXPECT_TRUE(InWindow(w, Utc("2026-03-07T01:59:59Z")));  // Saturday
  EXPECT_FALSE(InWindow(w, Utc("2026-03-07T02:00:00Z")));
  EXPECT_FALSE(InWindow(w, Utc("2026-03-05T23:00:00Z")));  // Thursday night
}

TEST(MaintenanceTest, DeadlinesPauseDuringWindowsOfTheAsset) {
  MaintenanceWindow w;
  w.id = "w";
  w.start_s = Utc("2026-03-01T10:00:00Z");
  w.end_s = Utc("2026-03-01T12:00:00Z");
  const int64_t created = Utc("2026-03-01T09:50:00Z");
  const int64_t due = created + 30 * 60;  // 10:20 without the window
  EXPECT_EQ(ExtendForMaintenance({w}, "db-1", created, due), Utc("2026-03-01T12:20:00Z"));
  // A window of another asset does not count; a whole-company one does.
  w.assets = {"web-1"};
  EXPECT_EQ(ExtendForMaintenance({w}, "db-1", created, due), due);
  EXPECT_EQ(ExtendForMaintenance({w}, "web-1", created, due), Utc("2026-03-01T12:20:00Z"));
  w.assets.clear();
  // A deadline that falls just at the window's start moves past it.
  EXPECT_EQ(ExtendForMaintenance({w}, "db-1", created, Utc("2026-03-01T10:00:00Z")),
            Utc("2026-03-01T12:00:00Z"));
  // Two overlapping windows count once; a second one later counts too.
  MaintenanceWindow w2 = w;
  w2.start_s = Utc("2026-03-01T11:00:00Z");
  w2.end_s = Utc("2026-03-01T13:00:00Z");
  MaintenanceWindow w3 = w;
  w3.start_s = Utc("2026-03-01T13:10:00Z");
  w3.end_s = Utc("2026-03-01T13:40:00Z");
  EXPECT_EQ(ExtendForMaintenance({w, w2, w3}, "db-1", created, due), Utc("2026-03-01T13:50:00Z"));
  // An incident opened after the window is not affected.
  EXPECT_EQ(ExtendForMaintenance({w}, "db-1", Utc("2026-03-01T12:00:00Z"), Utc("2026-03-01T12:30:00Z")),
            Utc("2026-03-01T12:30:00Z"));
}

TEST(SuppressionTest, SilenceFirstThenMaintenanceThenInhibition) {
  NoiseRules rules;
  Silence s;
  s.id = "s1";
  s.matchers = Parse(json::array({{{"name", "asset"}, {"value", "web-1"}}}));
  s.starts_s = 100;
  s.ends_s = 200;
  rules.silences.push_back(s);
  MaintenanceWindow w;
  w.id = "m1";
  w.start_s = 150;
  w.end_s = 300;
  w.assets = {"web-1", "web-2"};
  rules.windows.push_back(w);
  const MatchFacts web1 = Facts("web-1", "cpu");
  EXPECT_EQ(DecideSuppression(web1, rules, {}, 99).by, SuppressedBy::kNone);
  auto d = DecideSuppression(web1, rules, {}, 100);
  EXPECT_EQ(d.by, SuppressedBy::kSilence);
  EXPECT_EQ(d.id, "s1");
  EXPECT_EQ(DecideSuppression(web1, rules, {}, 199).by, SuppressedBy::kSilence);
  d = DecideSuppression(web1, rules, {}, 200);
  EXPECT_EQ(d.by, SuppressedBy::kMaintenance);
  EXPECT_EQ(d.id, "m1");
  EXPECT_EQ(DecideSuppression(Facts("db-1", "cpu"), rules, {}, 250).by, SuppressedBy::kNone);
  EXPECT_EQ(DecideSuppression(web1, rules, {}, 300).by, SuppressedBy::kNone);
  EXPECT_STREQ(SuppressedByName(SuppressedBy::kInhibition), "inhibited");
}

TEST(SuppressionTest, CriticalHostDownInhibitsEverythingElseOnThatHost) {
  NoiseRules rules;
  InhibitionRule r;
  r.source = Parse(json::array(
      {{{"name", "signature"}, {"value", "host_down"}}, {{"name", "severity"}, {"value", "critical"}}}));
  r.target = Parse(json::array({{{"name", "signature"}, {"op", "!="}, {"value", "host_down"}}}));
  r.equal = {"asset"};
  rules.inhibition.push_back(r);
  const MatchFacts down = Facts("web-1", "host_down", "critical");
  // The source itself is not suppressed and is recorded as a source.
  auto d = DecideSuppression(down, rules, {}, 0);
  EXPECT_EQ(d.by, SuppressedBy::kNone);
  EXPECT_TRUE(d.inhibition_source);
  std::vector<InhibitionSource> sources = {{"a1", down}};
  d = DecideSuppression(Facts("web-1", "disk_full"), rules, sources, 0);
  EXPECT_EQ(d.by, SuppressedBy::kInhibition);
  EXPECT_EQ(d.id, "a1");
  EXPECT_FALSE(d.inhibition_source);
  // Another host: no.
  EXPECT_EQ(DecideSuppression(Facts("web-2", "disk_full"), rules, sources, 0).by, SuppressedBy::kNone);
  // A second host_down on the same host is not a target.
  EXPECT_EQ(DecideSuppression(down, rules, sources, 0).by, SuppressedBy::kNone);
}

TEST(SuppressionTest, EqualLabelsAndSelfInhibition) {
  NoiseRules rules;
  InhibitionRule r;
  r.source = Parse(json::array({{{"name", "severity"}, {"value", "critical"}}}));
  r.target = Parse(json::array({{{"name", "severity"}, {"op", "=~"}, {"value", "critical|high"}}}));
  r.equal = {"cluster"};
  rules.inhibition.push_back(r);
  const MatchFacts src = Facts("a", "x", "critical", {{"cluster", "eu"}});
  std::vector<InhibitionSource> sources = {{"s", src}};
  EXPECT_EQ(DecideSuppression(Facts("b", "y", "high", {{"cluster", "eu"}}), rules, sources, 0).by,
            SuppressedBy::kInhibition);
  EXPECT_EQ(DecideSuppression(Facts("b", "y", "high", {{"cluster", "us"}}), rules, sources, 0).by,
            SuppressedBy::kNone);
  // Missing on both sides counts as equal.
  std::vector<InhibitionSource> bare = {{"s", Facts("a", "x", "critical")}};
  EXPECT_EQ(DecideSuppression(Facts("b", "y", "high"), rules, bare, 0).by, SuppressedBy::kInhibition);
  // An alert matching both sides is not inhibited by one that does too.
  EXPECT_EQ(DecideSuppression(Facts("c", "z", "critical", {{"cluster", "eu"}}), rules, sources, 0).by,
            SuppressedBy::kNone);
}

}  // namespace
}  // namespace aw::core
