// The intake's rules (core/correlate.h), table-driven: which action a group
// of alerts takes for the state that was read, and what each action writes.
// The executors (IncidentService::ApplyGroup, CorrelateLocal, the intake
// pipeline) are covered by services_correlation_test and the API tests.

#include "core/correlate.h"

#include <gtest/gtest.h>

#include "base/time_format.h"
#include "core/priority.h"

namespace aw::core {
namespace {

using Action = CorrelationDecision::Action;

constexpr int64_t kNow = int64_t{1764763200} * 1'000'000;  // 2025-12-03T12:00:00Z
constexpr int64_t kMinute = 60'000'000;

CorrelationFacts Facts(const std::string& id, const std::string& severity = "high",
                       const std::string& tool = "dd", bool critical = false) {
  CorrelationFacts f;
  f.alert_id = id;
  f.asset_name = "web-1";
  f.asset_id = "as1";
  f.signature = "cpu_high";
  f.message = "CPU 99%";
  f.severity = severity;
  f.tool_source = tool;
  f.critical_asset = critical;
  return f;
}

CorrelationConfig Config(int window_minutes = 15, int min_alerts = 1) {
  CorrelationConfig c;
  c.time_window_minutes = window_minutes;
  c.min_alerts_for_incident = min_alerts;
  return c;
}

CorrelationTarget Target() {
  return {"c1", "ptr#k", [] { return std::string("new-inc"); }};
}

Incident OpenIncident(int64_t last_alert_us, const std::string& status = "new",
                      const std::string& severity = "high") {
  Incident i;
  i.company_id = "c1";
  i.id = "inc1";
  i.status = status;
  i.severity = severity;
  i.alert_ids = {"a0"};
  i.alert_count = 1;
  i.active_alert_count = 1;
  i.tool_sources = {"dd"};
  i.created_at = FormatIso8601Micros(last_alert_us);
  i.last_alert_us = last_alert_us;
  i.version = 7;
  return i;
}

CorrelationPointer Pointer(const std::string& incident_id, int64_t last_at_us = kNow, int64_t version = 3) {
  CorrelationPointer p;
  p.pk = "c1#corr";
  p.id = "ptr#k";
  p.incident_id = incident_id;
  p.last_at_us = last_at_us;
  p.version = version;
  return p;
}

struct StateCase {
  const char* name;
  std::optional<CorrelationPointer> pointer;
  std::optional<Incident> incident;
  int min_alerts;
  Action action;
  std::string incident_id;  // of the decision
  bool writes_pointer;
};

TEST(CoreCorrelateTest, ActionForEachState) {
  const int64_t window = 15 * kMinute;
  CorrelationPointer pending = Pointer("");
  pending.pending_ids = {"p1"};
  pending.pending_severity = "low";
  CorrelationPointer stale_pending = pending;
  stale_pending.last_at_us = kNow - window - 1;
  const StateCase cases[] = {
      {"no pointer: opens", std::nullopt, std::nullopt, 1, Action::kOpen, "new-inc", true},
      {"open incident inside the window: joins", Pointer("inc1"), OpenIncident(kNow - kMinute), 1,
       Action::kJoin, "inc1", false},
      {"exactly at the window: joins", Pointer("inc1"), OpenIncident(kNow - window), 1, Action::kJoin, "inc1",
       false},
      {"one microsecond past the window: opens", Pointer("inc1"), OpenIncident(kNow - window - 1), 1,
       Action::kOpen, "new-inc", true},
      {"acknowledged joins", Pointer("inc1"), OpenIncident(kNow, "acknowledged"), 1, Action::kJoin, "inc1",
       false},
      {"in_progress joins", Pointer("inc1"), OpenIncident(kNow, "in_progress"), 1, Action::kJoin, "inc1",
       false},
      {"escalated joins", Pointer("inc1"), OpenIncident(kNow, "escalated"), 1, Action::kJoin, "inc1", false},
      {"resolved never joins", Pointer("inc1"), OpenIncident(kNow, "resolved"), 1, Action::kOpen, "new-inc",
       true},
      {"closed never joins", Pointer("inc1"), OpenIncident(kNow, "closed"), 1, Action::kOpen, "new-inc",
       true},
      {"pointer to a missing incident: repaired under its id", Pointer("lost"), std::nullopt, 1,
       Action::kRepair, "lost", false},
      {"missing incident below the threshold: gathers", Pointer("lost"), std::nullopt, 2, Action::kGather, "",
       true},
      {"below min_alerts: gathers", std::nullopt, std::nullopt, 2, Action::kGather, "", true},
      {"pending alert plus this one reach min_alerts: opens", pending, std::nullopt, 2, Action::kOpen,
       "new-inc", true},
      {"pending alert past the window does not count", stale_pending, std::nullopt, 2, Action::kGather, "",
       true},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.name);
    CorrelationDecision d =
        Correlate(c.pointer, c.incident, {Facts("a1")}, Config(15, c.min_alerts), Target(), kNow);
    EXPECT_EQ(d.action, c.action);
    EXPECT_EQ(d.incident_id, c.incident_id);
    EXPECT_EQ(d.pointer.has_value(), c.writes_pointer);
    EXPECT_EQ(d.incident.has_value(), c.action != Action::kGather);
    if (d.pointer) {
      EXPECT_EQ(d.pointer->version, (c.pointer ? c.pointer->version : 0) + 1);  // over the version read
      EXPECT_EQ(d.pointer->incident_id, c.incident_id);
    }
  }
}

TEST(CoreCorrelateTest, JoinCountsIdsTimeAndVersion) {
  const Incident before = OpenIncident(kNow - kMinute);
  CorrelationDecision d =
      Correlate(Pointer("inc1"), before, {Facts("a1"), Facts("a2"), Facts("a3")}, Config(), Target(), kNow);
  ASSERT_EQ(d.action, Action::kJoin);
  const Incident& inc = *d.incident;
  EXPECT_EQ(inc.alert_ids, (std::vector<std::string>{"a0", "a1", "a2", "a3"}));
  EXPECT_EQ(inc.alert_count, 4);
  EXPECT_EQ(inc.active_alert_count, 4);
  EXPECT_EQ(inc.last_alert_us, kNow);
  EXPECT_EQ(inc.last_alert_at, FormatIso8601Micros(kNow));
  EXPECT_EQ(inc.updated_at, FormatIso8601Micros(kNow));
  EXPECT_EQ(inc.version, before.version + 1);
  EXPECT_EQ(d.event, "incident_updated");
  EXPECT_TRUE(d.kpis.empty());  // severity unchanged
}

struct SeverityCase {
  const char* incident;
  const char* alert;
  const char* after;
  KpiDeltas kpis;
};

TEST(CoreCorrelateTest, SeverityIsTheMaximumAndMovesTheOpenCounters) {
  const SeverityCase cases[] = {
      {"low", "critical", "critical", {{"open_low", -1}, {"open_critical", 1}}},
      {"medium", "high", "high", {{"open_medium", -1}, {"open_high", 1}}},
      {"high", "low", "high", {}},
      {"critical", "critical", "critical", {}},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(std::string(c.incident) + " + " + c.alert);
    CorrelationDecision d = Correlate(Pointer("inc1"), OpenIncident(kNow, "new", c.incident),
                                      {Facts("a1", c.alert)}, Config(), Target(), kNow);
    EXPECT_EQ(d.incident->severity, c.after);
    EXPECT_EQ(d.kpis, c.kpis);
  }
}

TEST(CoreCorrelateTest, PriorityFollowsSeverityCriticalAssetCountAndTools) {
  const Incident before = OpenIncident(kNow);
  CorrelationDecision d = Correlate(Pointer("inc1"), before, {Facts("a1", "critical", "prometheus", true)},
                                    Config(), Target(), kNow);
  PriorityInput in;
  in.severity = Severity::kCritical;
  in.critical_asset = true;
  in.alert_count = 2;
  in.tool_count = 2;
  EXPECT_TRUE(d.incident->critical_asset);
  EXPECT_EQ(d.incident->priority_score, PriorityScore(in));
  EXPECT_EQ(d.incident->priority_score, 90 + 20 + 4 + 10);
}

TEST(CoreCorrelateTest, IdListKeepsTheNewestFiftyAndCountsAll) {
  Incident before = OpenIncident(kNow);
  before.alert_ids.clear();
  for (int i = 0; i < 50; ++i) before.alert_ids.push_back("old" + std::to_string(i));
  before.alert_count = before.active_alert_count = 50;
  CorrelationDecision d =
      Correlate(Pointer("inc1"), before, {Facts("n1"), Facts("n2")}, Config(), Target(), kNow);
  ASSERT_EQ(d.incident->alert_ids.size(), kMaxAlertIds);
  EXPECT_EQ(d.incident->alert_ids.front(), "old2");
  EXPECT_EQ(d.incident->alert_ids.back(), "n2");
  EXPECT_EQ(d.incident->alert_count, 52);
}

TEST(CoreCorrelateTest, ToolsAreMergedOnceAndBounded) {
  Incident before = OpenIncident(kNow);
  before.tool_sources.clear();
  for (int i = 0; i < 49; ++i) before.tool_sources.push_back("t" + std::to_string(i));
  CorrelationDecision d =
      Correlate(Pointer("inc1"), before,
                {Facts("a1", "high", "t0"), Facts("a2", "high", "new1"), Facts("a3", "high", "new2")},
                Config(), Target(), kNow);
  ASSERT_EQ(d.incident->tool_sources.size(), kMaxToolSources);
  EXPECT_EQ(d.incident->tool_sources.back(), "new1");  // t0 already there; new2 over the bound
}

TEST(CoreCorrelateTest, OpenBuildsTheIncidentFromTheFirstAlert) {
  CorrelationDecision d =
      Correlate(std::nullopt, std::nullopt, {Facts("a1", "medium"), Facts("a2", "critical", "pd")},
                Config(15), Target(), kNow);
  ASSERT_EQ(d.action, Action::kOpen);
  const Incident& inc = *d.incident;
  EXPECT_EQ(inc.id, "new-inc");
  EXPECT_EQ(inc.company_id, "c1");
  EXPECT_EQ(inc.title, "cpu_high on web-1");
  EXPECT_EQ(inc.status, "new");
  EXPECT_EQ(inc.severity, "critical");
  EXPECT_EQ(inc.alert_count, 2);
  EXPECT_EQ(inc.tool_sources, (std::vector<std::string>{"dd", "pd"}));
  EXPECT_EQ(inc.correlation_ptr, "ptr#k");
  EXPECT_EQ(inc.correlation_key, "asset|signature");
  EXPECT_EQ(inc.version, 1);
  EXPECT_EQ(inc.created_at, FormatIso8601Micros(kNow));
  EXPECT_TRUE(inc.extra.contains("sla"));
  EXPECT_EQ(d.event, "incident_created");
  EXPECT_EQ(d.kpis, (KpiDeltas{{"incidents_total", 1}, {"open_critical", 1}}));
  EXPECT_EQ(d.pointer->incident_id, "new-inc");
  EXPECT_FALSE(d.pointer->ttl.has_value());  // an owned pointer lives as long as its incident
}

TEST(CoreCorrelateTest, MinAlertsGatherOnThePointerThenOpenWithAllOfThem) {
  const CorrelationConfig cfg = Config(15, 3);
  CorrelationDecision first =
      Correlate(std::nullopt, std::nullopt, {Facts("a1", "low", "dd")}, cfg, Target(), kNow);
  ASSERT_EQ(first.action, Action::kGather);
  EXPECT_TRUE(first.kpis.empty());
  EXPECT_EQ(first.pointer->pending_ids, (std::vector<std::string>{"a1"}));
  EXPECT_EQ(first.pointer->ttl, kNow / 1'000'000 + 15 * 60 + 86400);
  CorrelationDecision second =
      Correlate(first.pointer, std::nullopt, {Facts("a2", "high", "pd")}, cfg, Target(), kNow + kMinute);
  ASSERT_EQ(second.action, Action::kGather);
  EXPECT_EQ(second.pointer->pending_severity, "high");
  EXPECT_EQ(second.pointer->pending_tools, (std::vector<std::string>{"dd", "pd"}));
  CorrelationDecision third =
      Correlate(second.pointer, std::nullopt, {Facts("a3", "medium")}, cfg, Target(), kNow + 2 * kMinute);
  ASSERT_EQ(third.action, Action::kOpen);
  EXPECT_EQ(third.incident->alert_ids, (std::vector<std::string>{"a1", "a2", "a3"}));
  EXPECT_EQ(third.incident->alert_count, 3);
  EXPECT_EQ(third.incident->severity, "high");
  EXPECT_EQ(third.linked_alert_ids, (std::vector<std::string>{"a1", "a2"}));
  EXPECT_EQ(third.pointer->version, 3);
}

TEST(CoreCorrelateTest, NewIncidentIdIsAskedForOnlyWhenOneOpens) {
  int asked = 0;
  CorrelationTarget target{"c1", "ptr#k", [&] {
                             ++asked;
                             return std::string("x");
                           }};
  (void)Correlate(Pointer("inc1"), OpenIncident(kNow), {Facts("a1")}, Config(), target, kNow);
  (void)Correlate(std::nullopt, std::nullopt, {Facts("a1")}, Config(15, 2), target, kNow);
  (void)Correlate(Pointer("lost"), std::nullopt, {Facts("a1")}, Config(), target, kNow);
  EXPECT_EQ(asked, 0);
  (void)Correlate(std::nullopt, std::nullopt, {Facts("a1")}, Config(), target, kNow);
  EXPECT_EQ(asked, 1);
}

TEST(CoreCorrelateTest, AnOpeningGroupTakesTheIdItsFirstAlertReserved) {
  int asked = 0;
  CorrelationTarget target{"c1", "ptr#k", [&] {
                             ++asked;
                             return std::string("x");
                           }};
  CorrelationFacts first = Facts("a1"), second = Facts("a2");
  first.new_incident_id = "reserved-1";
  second.new_incident_id = "reserved-2";
  // Opens: the first alert's reservation, the target is not asked.
  CorrelationDecision open = Correlate(std::nullopt, std::nullopt, {first, second}, Config(), target, kNow);
  EXPECT_EQ(open.action, CorrelationDecision::Action::kOpen);
  EXPECT_EQ(open.incident_id, "reserved-1");
  EXPECT_EQ(open.pointer->incident_id, "reserved-1");
  EXPECT_EQ(asked, 0);
  // Joins and repairs keep the incident they found; the reservation is unused.
  EXPECT_EQ(Correlate(Pointer("inc1"), OpenIncident(kNow), {first}, Config(), target, kNow).incident_id,
            "inc1");
  EXPECT_EQ(Correlate(Pointer("lost"), std::nullopt, {first}, Config(), target, kNow).incident_id, "lost");
  // Without a reservation the target names it.
  EXPECT_EQ(Correlate(std::nullopt, std::nullopt, {Facts("a3")}, Config(), target, kNow).incident_id, "x");
  EXPECT_EQ(asked, 1);
}

struct RepeatCase {
  const char* name;
  RepeatFacts facts;
  RepeatAction action;
};

TEST(CoreCorrelateTest, RepeatRule) {
  const RepeatCase cases[] = {
      {"no claim", {std::nullopt, false, "", false}, RepeatAction::kNew},
      {"by content, first active", {"a1", true, "active", false}, RepeatAction::kRepeat},
      {"by content, first resolved: a new occurrence",
       {"a1", true, "resolved", false},
       RepeatAction::kNewOccurrence},
      {"by delivery id, first active", {"a1", true, "active", true}, RepeatAction::kRepeat},
      {"by delivery id, first resolved: still a repeat",
       {"a1", true, "resolved", true},
       RepeatAction::kRepeat},
      {"claim whose alert was never written", {"a1", false, "", false}, RepeatAction::kWriteUnderClaim},
      {"claim by delivery id whose alert was never written",
       {"a1", false, "", true},
       RepeatAction::kWriteUnderClaim},
      {"claim naming no alert", {"", false, "", false}, RepeatAction::kNewOccurrence},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.name);
    EXPECT_EQ(DecideRepeat(c.facts), c.action);
  }
  EXPECT_TRUE(Deduplicated("active", false));
  EXPECT_TRUE(Deduplicated("resolved", true));
  EXPECT_FALSE(Deduplicated("resolved", false));  // a recovery's content is that of the alert it resolves
}

struct RecoveryCase {
  const char* name;
  std::string status;
  int64_t active;
  int64_t resolved_alerts;
  bool auto_resolve;
  int64_t active_after;
  bool resolves;
};

TEST(CoreCorrelateTest, AutoResolve) {
  const RecoveryCase cases[] = {
      {"last active alerts resolved", "new", 2, 2, true, 0, true},
      {"some left active", "acknowledged", 3, 1, true, 2, false},
      {"auto_resolve off", "new", 1, 1, false, 0, false},
      {"already resolved stays as it is", "resolved", 1, 1, true, 0, false},
      {"more resolved than counted clamps at zero", "in_progress", 1, 4, true, 0, true},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.name);
    Incident inc = OpenIncident(kNow - 3600 * int64_t{1'000'000}, c.status);
    inc.active_alert_count = c.active;
    CorrelationConfig cfg;
    cfg.auto_resolve = c.auto_resolve;
    RecoveryDecision d = ApplyRecovery(inc, c.resolved_alerts, cfg, kNow);
    EXPECT_EQ(inc.active_alert_count, c.active_after);
    EXPECT_EQ(d.resolved, c.resolves);
    EXPECT_EQ(inc.version, 8);
    if (c.resolves) {
      EXPECT_EQ(inc.status, "resolved");
      EXPECT_EQ(inc.resolved_by, "system");
      EXPECT_EQ(inc.resolved_at, FormatIso8601Micros(kNow));
      EXPECT_EQ(d.kpis,
                (KpiDeltas{{"open_high", -1}, {"resolve_count", 1}, {"resolve_seconds_total", 3600}}));
    } else {
      EXPECT_EQ(inc.status, c.status);
      EXPECT_TRUE(d.kpis.empty());
    }
  }
  Alert a;
  a.asset_name = "web-1";
  a.signature = "cpu_high";
  EXPECT_TRUE(RecoveryMatches(a, "web-1", "cpu_high"));
  EXPECT_FALSE(RecoveryMatches(a, "web-2", "cpu_high"));
  a.status = "resolved";
  EXPECT_FALSE(RecoveryMatches(a, "web-1", "cpu_high"));
}

}  // namespace
}  // namespace aw::core
