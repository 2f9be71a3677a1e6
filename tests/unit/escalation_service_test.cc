// The incident-response worker end to end on the memory store with a fake
// clock: SLA deadlines stamped at creation, SLA warning and breach notices,
// each escalation level firing exactly once (also with two threads calling
// Tick), stopping at acknowledgement, and restart safety.

#include <chrono>
#include <map>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include "base/clock.h"
#include "base/time_format.h"
#include "services/audit_service.h"
#include "services/identity/company_service.h"
#include "services/config_service.h"
#include "services/context.h"
#include "services/response/escalation_service.h"
#include "services/incidents/incident_service.h"
#include "services/kpi_service.h"
#include "services/response/oncall_service.h"
#include "services/response/sla_service.h"
#include "services/response/sla_worker.h"
#include "services/identity/user_service.h"
#include "store/tables.h"
#include "service_test_fixture.h"

namespace aw::services {
namespace {

using nlohmann::json;
using std::chrono::minutes;

class RecordingEvents final : public EventSink {
 public:
  void Publish(Event e) override {
    std::lock_guard<std::mutex> l(mu_);
    events_.push_back(std::move(e));
  }
  int Count(const std::string& type) {
    std::lock_guard<std::mutex> l(mu_);
    int n = 0;
    for (const auto& e : events_) n += e.type == type;
    return n;
  }

 private:
  std::mutex mu_;
  std::vector<Event> events_;
};

// The services a server process has; a second instance on the same store
// stands for a restarted process (or another replica).
struct Process {
  explicit Process(Context* ctx) {
    configs = std::make_unique<ConfigService>(ctx);
    kpis = std::make_unique<KpiService>(ctx);
    incidents = std::make_unique<IncidentService>(ctx, configs.get(), kpis.get());
    users = std::make_unique<UserService>(ctx);
    audit = std::make_unique<AuditService>(ctx);
    oncall = std::make_unique<OnCallService>(ctx, users.get());
    sla = std::make_unique<SlaService>(ctx, configs.get(), oncall.get());
    escalation = std::make_unique<EscalationService>(ctx, configs.get(), incidents.get(), oncall.get(), sla.get(),
                                                     audit.get());
    worker = std::make_unique<IncidentResponseWorker>(ctx, sla.get(), escalation.get());
    incidents->AddDecorator([s = sla.get()](const std::string& cid, json& inc) { s->Stamp(cid, inc); });
  }
  std::unique_ptr<ConfigService> configs;
  std::unique_ptr<KpiService> kpis;
  std::unique_ptr<IncidentService> incidents;
  std::unique_ptr<UserService> users;
  std::unique_ptr<AuditService> audit;
  std::unique_ptr<OnCallService> oncall;
  std::unique_ptr<SlaService> sla;
  std::unique_ptr<EscalationService> escalation;
  std::unique_ptr<IncidentResponseWorker> worker;
};

class EscalationWorkerTest : public testing::ServiceTest {
 protected:
  void SetUp() override {
    clock_.SetMicros(ParseIso8601("2026-11-25T10:00:00Z").value());
    ServiceTest::SetUp();
    if (HasFatalFailure()) return;
    ctx_.notifier = &notifier_;
    ctx_.events = &events_;
    p_ = std::make_unique<Process>(&ctx_);
    CompanyService companies(&ctx_);
    companies.Create("Acme", "c1");
    companies.Create("Other", "c2");
    tech_ = MakeUser("tech@c1.test", Role::kTechnician, {"c1"});
    admin_ = MakeUser("admin@c1.test", Role::kCompanyAdmin, {"c1"});
    msp_ = MakeUser("msp@msp.test", Role::kMspAdmin, {});
    MakeUser("admin@c2.test", Role::kCompanyAdmin, {"c2"});
    p_->configs->Put("c1", "correlation", {{"time_window_minutes", 5}, {"aggregation_key", "asset|signature"},
                                           {"min_alerts_for_incident", 1}, {"auto_correlate", true},
                                           {"auto_resolve", true}});
    // The technician is on call around the clock.
    Principal admin{admin_, "admin@c1.test", "Admin", Role::kCompanyAdmin, {"c1"}};
    p_->oncall->Create(admin, {{"company_id", "c1"}, {"user_id", tech_}, {"type", "daily"},
                               {"start_time", "00:00"}, {"end_time", "24:00"}});
  }

  std::string MakeUser(const std::string& email, Role role, std::vector<std::string> companies) {
    return testing::AddUser(*p_->users, email, role, std::move(companies));
  }

  std::string Open(const std::string& severity, const std::string& asset = "web-1") {
    CorrelationInput in;
    in.alert_id = "a-" + asset;
    in.asset_name = asset;
    in.asset_id = asset;
    in.signature = "disk_full";
    in.message = "disk full";
    in.severity = severity;
    in.tool_source = "test";
    auto r = p_->incidents->Correlate("c1", in);
    EXPECT_TRUE(r.created);
    return r.incident_id;
  }

  json Incident(const std::string& id) {
    auto r = store_->GetItem({store::tables::kIncidents, {"c1", id}});
    EXPECT_TRUE(r.ok());
    return r.ok() ? *r : json();
  }

  // Escalation notifications by level.
  std::map<int, std::vector<std::string>> Escalations() {
    std::map<int, std::vector<std::string>> out;
    for (const auto& n : notifier_.Sent()) {
      if (n.type == "escalation") {
        int level = n.data.value("level", 0);
        EXPECT_EQ(out.count(level), 0u) << "level " << level << " notified twice";
        out[level] = n.user_ids;
      }
    }
    return out;
  }

  int AuditedEscalations() {
    store::QueryRequest q;
    q.table = store::tables::kAuditLogs;
    q.pk = "c1";
    auto r = store_->Query(q);
    int n = 0;
    for (const auto& e : r->items) n += e.value("action", "") == "incident.auto_escalated" && e.value("user_id", "") == "system";
    return n;
  }

  testing::RecordingNotifier notifier_;
  RecordingEvents events_;
  std::unique_ptr<Process> p_;
  std::string tech_, admin_, msp_;
};

TEST_F(EscalationWorkerTest, DeadlinesAreStampedAtCreation) {
  json inc = Incident(Open("high"));
  ASSERT_TRUE(inc.contains("sla"));
  EXPECT_EQ(inc["sla"]["response_due"], "2026-11-25T12:00:00Z");
  EXPECT_EQ(inc["sla"]["resolution_due"], "2026-11-25T18:00:00Z");
  EXPECT_EQ(inc["sla"]["response_minutes"], 120);
}

TEST_F(EscalationWorkerTest, EachLevelFiresOnceAtItsTimeToItsTarget) {
  const std::string id = Open("medium");  // SLA response 480 min: only the 15-minute unacknowledged trigger matters
  struct Step {
    int advance_min;
    int want_level;
  } steps[] = {{0, 0}, {14, 0}, {1, 1}, {0, 1}, {14, 1}, {1, 2}, {14, 2}, {1, 3}, {60, 3}};
  for (const auto& s : steps) {
    clock_.Advance(minutes(s.advance_min));
    p_->worker->Tick();
    p_->worker->Tick();
    EXPECT_EQ(Incident(id).value("escalation_level", -1), s.want_level) << "after +" << s.advance_min;
  }
  auto esc = Escalations();
  ASSERT_EQ(esc.size(), 3u);
  EXPECT_EQ(esc[1], std::vector<std::string>{tech_});   // on call
  EXPECT_EQ(esc[2], std::vector<std::string>{admin_});  // company admins of c1 only
  EXPECT_EQ(esc[3], std::vector<std::string>{msp_});    // MSP admins
  json inc = Incident(id);
  EXPECT_EQ(inc["status"], "escalated");
  EXPECT_EQ(inc["escalated"], true);
  EXPECT_EQ(inc["escalated_by"], "system");
  EXPECT_NE(inc.value("escalation_reason", "").find("unacknowledged for 15 minutes"), std::string::npos);
  EXPECT_EQ(inc["escalation_history"].size(), 3u);
  EXPECT_EQ(events_.Count("incident_escalated"), 3);
  EXPECT_EQ(AuditedEscalations(), 3);
}

TEST_F(EscalationWorkerTest, AcknowledgingStopsEscalation) {
  const std::string id = Open("medium");
  clock_.Advance(minutes(15));
  p_->worker->Tick();
  ASSERT_EQ(Incident(id)["escalation_level"], 1);
  Principal tech{tech_, "tech@c1.test", "Tech", Role::kTechnician, {"c1"}};
  p_->incidents->Acknowledge(tech, id);
  clock_.Advance(minutes(120));
  p_->worker->Tick();
  EXPECT_EQ(Incident(id)["escalation_level"], 1);
  EXPECT_EQ(Escalations().size(), 1u);
}

TEST_F(EscalationWorkerTest, ManualEscalationCountsAsALevel) {
  const std::string id = Open("medium");
  Principal tech{tech_, "tech@c1.test", "Tech", Role::kTechnician, {"c1"}};
  p_->incidents->Escalate(tech, id, "customer called");
  clock_.Advance(minutes(15));
  p_->worker->Tick();
  EXPECT_EQ(Incident(id)["escalation_level"], 1);  // level 1 is taken by the manual escalation
  clock_.Advance(minutes(15));
  p_->worker->Tick();
  EXPECT_EQ(Incident(id)["escalation_level"], 2);
  EXPECT_EQ(Escalations().count(1), 0u);
  EXPECT_EQ(Escalations().count(2), 1u);
}

TEST_F(EscalationWorkerTest, TwoThreadsTickingFireEachLevelOnce) {
  std::vector<std::string> ids;
  for (int i = 0; i < 5; ++i) ids.push_back(Open("medium", "host-" + std::to_string(i)));
  for (int step = 0; step < 4; ++step) {
    clock_.Advance(minutes(15));
    std::thread a([&] { for (int i = 0; i < 3; ++i) p_->worker->Tick(); });
    Process other(&ctx_);  // a second replica on the same store
    std::thread b([&] { for (int i = 0; i < 3; ++i) other.worker->Tick(); });
    a.join();
    b.join();
  }
  for (const auto& id : ids) EXPECT_EQ(Incident(id)["escalation_level"], 3);
  EXPECT_EQ(notifier_.Count("escalation"), 15);  // 5 incidents x 3 levels
  EXPECT_EQ(events_.Count("incident_escalated"), 15);
  EXPECT_EQ(AuditedEscalations(), 15);
}

TEST_F(EscalationWorkerTest, RestartNeitherRepeatsNorForgets) {
  const std::string id = Open("medium");
  clock_.Advance(minutes(15));
  p_->worker->Tick();
  ASSERT_EQ(notifier_.Count("escalation"), 1);
  // The process stops; 40 minutes pass; a new process starts on the same store.
  p_.reset();
  clock_.Advance(minutes(40));
  p_ = std::make_unique<Process>(&ctx_);
  p_->worker->Tick();
  p_->worker->Tick();
  EXPECT_EQ(Incident(id)["escalation_level"], 3);  // levels 2 and 3 fell due while it was down
  auto esc = Escalations();                        // (asserts no level twice)
  EXPECT_EQ(esc.size(), 3u);
}

TEST_F(EscalationWorkerTest, SlaWarningAndBreachAreSentOnce) {
  // Critical: response due in 30 minutes, warning at 80 % of it (24 minutes),
  // not at once (issue 16: a fresh critical incident was in warning).
  p_->configs->Put("c1", "escalation_policy", {{"enabled", false}});
  const std::string id = Open("critical");
  p_->worker->Tick();
  EXPECT_EQ(notifier_.Count("sla_warning"), 0);
  EXPECT_FALSE(Incident(id).contains("sla_response_warning_at"));
  clock_.Advance(minutes(24));
  p_->worker->Tick();
  p_->worker->Tick();
  EXPECT_EQ(notifier_.Count("sla_warning"), 1);
  EXPECT_EQ(events_.Count("sla_warning"), 1);
  EXPECT_TRUE(Incident(id).contains("sla_response_warning_at"));
  clock_.Advance(minutes(6));
  p_->worker->Tick();
  p_->worker->Tick();
  EXPECT_EQ(notifier_.Count("sla_breach"), 1);
  EXPECT_EQ(events_.Count("sla_breach"), 1);
  // The breach goes to the on-call technician and the company admins.
  for (const auto& n : notifier_.Sent()) {
    if (n.type == "sla_breach") {
      EXPECT_EQ(n.user_ids, (std::vector<std::string>{tech_, admin_}));
    }
  }
  // Resolution: 240 minutes, warning at 80 % (192).
  clock_.Advance(minutes(161));
  p_->worker->Tick();
  EXPECT_EQ(notifier_.Count("sla_warning"), 1);
  clock_.Advance(minutes(1));
  p_->worker->Tick();
  EXPECT_EQ(notifier_.Count("sla_warning"), 2);
  p_.reset();
  p_ = std::make_unique<Process>(&ctx_);
  p_->worker->Tick();
  EXPECT_EQ(notifier_.Count("sla_warning"), 2);
  EXPECT_EQ(notifier_.Count("sla_breach"), 1);
  EXPECT_EQ(Incident(id)["escalation_level"], 0);  // escalation disabled for c1
}

TEST_F(EscalationWorkerTest, SlaTriggerEscalatesAtTheWarning) {
  // Triggers: SLA only; high = response 120 min, warning at 80 % (96).
  p_->configs->Put("c1", "escalation_policy",
                   {{"triggers", {{"unacknowledged_minutes", 0}, {"sla_warning", true}, {"sla_breach", true}}}});
  const std::string id = Open("high");
  clock_.Advance(minutes(95));
  p_->worker->Tick();
  EXPECT_EQ(Incident(id)["escalation_level"], 0);
  clock_.Advance(minutes(1));
  p_->worker->Tick();
  EXPECT_EQ(Incident(id)["escalation_level"], 1);
  EXPECT_NE(Incident(id).value("escalation_reason", "").find("SLA warning"), std::string::npos);
}

TEST_F(EscalationWorkerTest, BackgroundThreadRunsTicksAndStopsCleanly) {
  const std::string id = Open("medium");
  clock_.Advance(minutes(15));
  p_->worker->Start(std::chrono::milliseconds(5));
  for (int i = 0; i < 2000 && Incident(id).value("escalation_level", 0) < 1; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  p_->worker->Stop();
  p_->worker->Stop();  // idempotent
  EXPECT_EQ(Incident(id)["escalation_level"], 1);
  EXPECT_EQ(notifier_.Count("escalation"), 1);
}

TEST_F(EscalationWorkerTest, ForeignAndLegacyConfigShapesNeverBreakTheClock) {
  // The original service's names (kept by import-mongo) are understood ...
  p_->configs->Put("c1", "sla", {{"response_time_minutes", {{"critical", 15}, {"high", "soon"}}},
                                 {"resolution_time_minutes", {{"critical", 240}}}, {"business_hours_only", false}});
  core::SlaPolicy sla = p_->sla->PolicyFor("c1");
  EXPECT_EQ(sla.For(core::Severity::kCritical).response_minutes, 15);
  EXPECT_EQ(sla.For(core::Severity::kHigh).response_minutes, 120);  // a string is ignored: default
  p_->configs->Put("c1", "escalation_policy", {{"levels", {{{"after_minutes", 15}, {"notify", {admin_}}}}}});
  core::EscalationPolicy esc = p_->escalation->PolicyFor("c1");
  ASSERT_EQ(esc.levels.size(), 1u);
  EXPECT_EQ(esc.levels[0].delay_minutes, 15);
  EXPECT_EQ(esc.levels[0].target, core::EscalationTarget::kUsers);
  EXPECT_EQ(esc.levels[0].user_ids, std::vector<std::string>{admin_});
  // ... and garbage falls back to the defaults instead of throwing.
  p_->configs->Put("c1", "sla", {{"response_minutes", "x"}, {"business_hours", {{"enabled", true}, {"days", 3}}},
                                 {"warning_percent", "y"}});
  p_->configs->Put("c1", "escalation_policy", {{"levels", {1, 2}}, {"triggers", "z"}});
  EXPECT_EQ(p_->sla->PolicyFor("c1").warning_percent, 80);
  EXPECT_EQ(p_->sla->ConfigView("c1")["response_minutes"]["critical"], 30);
  EXPECT_EQ(p_->escalation->PolicyView("c1")["levels"].size(), 3u);
  const std::string id = Open("critical");
  EXPECT_EQ(Incident(id)["sla"]["response_minutes"], 30);
  clock_.Advance(minutes(15));
  EXPECT_NO_THROW(p_->worker->Tick());
}

TEST_F(EscalationWorkerTest, ResolvedIncidentsAreLeftAlone) {
  const std::string id = Open("critical");
  Principal tech{tech_, "tech@c1.test", "Tech", Role::kTechnician, {"c1"}};
  IncidentPatch patch;
  patch.status = "resolved";
  p_->incidents->Update(tech, id, patch);
  clock_.Advance(minutes(600));
  auto st = p_->worker->Tick();
  EXPECT_EQ(st.sla_notices + st.escalations, 0);
  EXPECT_TRUE(notifier_.Sent().empty());
}

}  // namespace
}  // namespace aw::services
