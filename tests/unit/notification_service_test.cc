// NotificationService: audience resolution to real users, one item per
// user, a "notification" event per user, email queued, the caller-only list
// operations, and the incident listener (critical/high creation, assignment).

#include <chrono>
#include <set>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "base/clock.h"
#include "base/errors.h"
#include "services/context.h"
#include "services/event_hub.h"
#include "services/response/mailer.h"
#include "services/response/notification_service.h"
#include "services/identity/user_service.h"
#include "store/tables.h"
#include "service_test_fixture.h"

namespace aw::services {
namespace {

using nlohmann::json;

class RecordingTransport final : public MailTransport {
 public:
  Status Send(const Email& e) override {
    sent->push_back(e);
    return Status::OK();
  }
  std::string Describe() const override { return "recording"; }
  std::vector<Email>* sent;
};

class NotificationServiceTest : public testing::ServiceTest {
 protected:
  void SetUp() override {
    ServiceTest::SetUp();
    if (HasFatalFailure()) return;
    hub_ = std::make_unique<EventHub>(EventHubOptions{}, clock_.NowMicros());
    ctx_.events = hub_.get();
    users_ = std::make_unique<UserService>(&ctx_);
    auto t = std::make_unique<RecordingTransport>();
    t->sent = &emails_;
    mailer_ = std::make_unique<Mailer>(std::move(t), &clock_);
    svc_ = std::make_unique<NotificationService>(&ctx_, users_.get(), mailer_.get());
    tech_acme_ = Add("tech@acme.test", Role::kTechnician, {"acme"});
    admin_acme_ = Add("company@acme.test", Role::kCompanyAdmin, {"acme"});
    client_acme_ = Add("client@acme.test", Role::kClient, {"acme"});
    tech_ts_ = Add("tech@ts.test", Role::kTechnician, {"techstart"});
    msp_ = Add("admin@msp.test", Role::kMspAdmin, {});
  }

  std::string Add(const std::string& email, Role role, std::vector<std::string> companies) {
    return testing::AddUser(*users_, email, role, std::move(companies));
  }

  Principal As(const std::string& id) {
    Principal p;
    p.user_id = id;
    return p;
  }

  std::vector<std::string> Recipients(const std::shared_ptr<Subscription>& sub) {
    std::vector<Frame> frames;
    EXPECT_TRUE(sub->Drain(&frames));
    std::vector<std::string> out;
    for (auto& f : frames) {
      json j = json::parse(f->payload());
      if (j["type"] == "notification") out.push_back(j["data"]["user_id"]);
    }
    return out;
  }

  std::unique_ptr<EventHub> hub_;
  std::unique_ptr<UserService> users_;
  std::vector<Email> emails_;
  std::unique_ptr<Mailer> mailer_;
  std::unique_ptr<NotificationService> svc_;
  std::string tech_acme_, admin_acme_, client_acme_, tech_ts_, msp_;
};

TEST_F(NotificationServiceTest, RolesResolveToRealUsersWhoMaySeeTheCompany) {
  NotificationRequest req;
  req.company_id = "acme";
  req.roles = {"technician", "company_admin", "msp_admin"};
  req.type = "incident_created";
  req.title = "Critical incident: disk_full on db-1";
  req.message = "m";
  req.email = true;
  EXPECT_EQ(svc_->Notify(req), 3);
  EXPECT_EQ(svc_->UnreadCount(As(tech_acme_)), 1);
  EXPECT_EQ(svc_->UnreadCount(As(admin_acme_)), 1);
  EXPECT_EQ(svc_->UnreadCount(As(msp_)), 1);
  EXPECT_EQ(svc_->UnreadCount(As(client_acme_)), 0);  // role not asked for
  EXPECT_EQ(svc_->UnreadCount(As(tech_ts_)), 0);      // another company
  auto item = svc_->List(As(tech_acme_), 10, false, "").items.at(0);
  EXPECT_EQ(item["user_id"], tech_acme_);
  EXPECT_EQ(item["type"], "incident_created");
  EXPECT_EQ(item["read"], false);
  EXPECT_FALSE(item.contains("ttl"));
  EXPECT_EQ(mailer_->Tick(), 3);
  std::set<std::string> to;
  for (const auto& e : emails_) to.insert(e.to);
  EXPECT_EQ(to, (std::set<std::string>{"tech@acme.test", "company@acme.test", "admin@msp.test"}));
  EXPECT_NE(emails_[0].subject.find("disk_full on db-1"), std::string::npos);
}

TEST_F(NotificationServiceTest, UnknownOrForeignUserIdsAreSkipped) {
  NotificationRequest req;
  req.company_id = "acme";
  req.user_ids = {"system", "00000000-0000-7000-8000-000000000000", tech_ts_, tech_acme_, tech_acme_};
  req.type = "incident_assigned";
  req.title = "t";
  EXPECT_EQ(svc_->Notify(req), 1);
  EXPECT_EQ(svc_->UnreadCount(As(tech_acme_)), 1);
  EXPECT_EQ(svc_->UnreadCount(As(tech_ts_)), 0);
  EXPECT_TRUE(svc_->List(As("system"), 10, false, "").items.empty());
}

TEST_F(NotificationServiceTest, EachUserGetsOnlyTheirOwnEvent) {
  auto acme_sub = hub_->Subscribe(Audience{tech_acme_, false, {"acme"}}).subscription;
  auto admin_sub = hub_->Subscribe(Audience{admin_acme_, false, {"acme"}}).subscription;
  NotificationRequest req;
  req.company_id = "acme";
  req.user_ids = {tech_acme_};
  req.type = "incident_assigned";
  req.title = "t";
  svc_->Notify(req);
  EXPECT_EQ(Recipients(acme_sub), std::vector<std::string>{tech_acme_});
  EXPECT_TRUE(Recipients(admin_sub).empty());
}

TEST_F(NotificationServiceTest, ReadAndMarkAllReadTouchOnlyTheCallersOwn) {
  NotificationRequest req;
  req.company_id = "acme";
  req.roles = {"technician", "company_admin"};
  req.type = "sla_warning";
  req.title = "t";
  for (int i = 0; i < 3; ++i) {
    svc_->Notify(req);
    clock_.Advance(std::chrono::seconds(1));
  }
  auto mine = svc_->List(As(tech_acme_), 10, false, "").items;
  ASSERT_EQ(mine.size(), 3u);
  EXPECT_GT(mine[0]["id"].get<std::string>(), mine[1]["id"].get<std::string>());  // newest first
  // Another user cannot read or change it.
  EXPECT_THROW(svc_->MarkRead(As(admin_acme_), mine[0]["id"]), ApiError);
  EXPECT_EQ(svc_->UnreadCount(As(tech_acme_)), 3);
  auto read = svc_->MarkRead(As(tech_acme_), mine[0]["id"]);
  EXPECT_EQ(read["read"], true);
  EXPECT_TRUE(read["read_at"].is_string());
  EXPECT_EQ(svc_->UnreadCount(As(tech_acme_)), 2);
  EXPECT_EQ(svc_->List(As(tech_acme_), 10, true, "").items.size(), 2u);
  EXPECT_EQ(svc_->MarkAllRead(As(tech_acme_)), 2);
  EXPECT_EQ(svc_->UnreadCount(As(tech_acme_)), 0);
  EXPECT_EQ(svc_->UnreadCount(As(admin_acme_)), 3);  // untouched
  EXPECT_THROW(svc_->MarkRead(As(tech_acme_), "not-an-id"), ApiError);
}

TEST_F(NotificationServiceTest, PagesWithACursor) {
  NotificationRequest req;
  req.company_id = "acme";
  req.user_ids = {tech_acme_};
  req.type = "t";
  req.title = "t";
  for (int i = 0; i < 5; ++i) svc_->Notify(req);
  auto p1 = svc_->List(As(tech_acme_), 2, false, "");
  ASSERT_EQ(p1.items.size(), 2u);
  ASSERT_FALSE(p1.next_cursor.empty());
  auto p2 = svc_->List(As(tech_acme_), 2, false, p1.next_cursor);
  ASSERT_EQ(p2.items.size(), 2u);
  EXPECT_GT(p1.items[1]["id"].get<std::string>(), p2.items[0]["id"].get<std::string>());
}

TEST_F(NotificationServiceTest, CriticalOrHighIncidentNotifiesTechniciansAndAdmins) {
  json inc = {{"id", "inc-1"}, {"company_id", "acme"}, {"severity", "critical"}, {"signature", "db_down"},
              {"asset_name", "db-1"}, {"status", "new"}, {"assigned_to", nullptr}};
  svc_->OnIncident("incident_created", inc);
  EXPECT_EQ(svc_->UnreadCount(As(tech_acme_)), 1);
  EXPECT_EQ(svc_->UnreadCount(As(admin_acme_)), 1);
  EXPECT_EQ(svc_->UnreadCount(As(msp_)), 1);
  EXPECT_EQ(svc_->UnreadCount(As(client_acme_)), 0);
  auto n = svc_->List(As(tech_acme_), 1, false, "").items.at(0);
  EXPECT_EQ(n["incident_id"], "inc-1");
  EXPECT_EQ(n["priority"], "critical");

  inc["id"] = "inc-2";
  inc["severity"] = "medium";
  svc_->OnIncident("incident_created", inc);
  EXPECT_EQ(svc_->UnreadCount(As(tech_acme_)), 1);  // medium: no notification
}

TEST_F(NotificationServiceTest, AssignmentNotifiesTheAssigneeOncePerChange) {
  json inc = {{"id", "inc-9"}, {"company_id", "acme"}, {"severity", "low"}, {"signature", "x"},
              {"assigned_to", nullptr}};
  svc_->OnIncident("incident_updated", inc);
  inc["assigned_to"] = tech_acme_;
  svc_->OnIncident("incident_updated", inc);
  svc_->OnIncident("incident_updated", inc);  // e.g. a status change: same assignee
  EXPECT_EQ(svc_->UnreadCount(As(tech_acme_)), 1);
  EXPECT_EQ(svc_->List(As(tech_acme_), 1, false, "").items.at(0)["type"], "incident_assigned");

  // A second service (a restart) does not notify the same assignment again.
  NotificationService restarted(&ctx_, users_.get(), nullptr);
  restarted.OnIncident("incident_updated", inc);
  EXPECT_EQ(svc_->UnreadCount(As(tech_acme_)), 1);

  inc["assigned_to"] = admin_acme_;
  svc_->OnIncident("incident_updated", inc);
  EXPECT_EQ(svc_->UnreadCount(As(admin_acme_)), 1);
  inc["assigned_to"] = tech_acme_;
  svc_->OnIncident("incident_updated", inc);
  EXPECT_EQ(svc_->UnreadCount(As(tech_acme_)), 2);  // assigned back: a new change
}

TEST_F(NotificationServiceTest, IncidentEventsArePublishedToTheCompany) {
  auto acme = hub_->Subscribe(Audience{tech_acme_, false, {"acme"}}).subscription;
  auto ts = hub_->Subscribe(Audience{tech_ts_, false, {"techstart"}}).subscription;
  svc_->OnIncident("incident_updated", {{"id", "i"}, {"company_id", "acme"}, {"severity", "low"}});
  std::vector<Frame> a, t;
  ASSERT_TRUE(acme->Drain(&a));
  ASSERT_TRUE(ts->Drain(&t));
  ASSERT_EQ(a.size(), 1u);
  EXPECT_EQ(json::parse(a[0]->payload())["type"], "incident_updated");
  EXPECT_TRUE(t.empty());
}

}  // namespace
}  // namespace aw::services

namespace aw::services {
namespace {

// Several replicas (DynamoDB): the users directory of a role audience is
// reused for at most 5 s, and not at all once a user changed through this
// replica; a change through another replica counts within 5 s.
TEST_F(NotificationServiceTest, SharedStoreReusesTheDirectoryFor5sUnlessAUserChangedHere) {
  NotificationService shared(&ctx_, users_.get(), nullptr, /*exclusive_store=*/false);
  NotificationRequest req;
  req.company_id = "acme";
  req.roles = {"technician"};
  req.type = "incident_created";
  req.title = "t";
  req.message = "m";
  EXPECT_EQ(shared.Notify(req), 1);
  // Through this replica: counts at once.
  Add("tech2@acme.test", Role::kTechnician, {"acme"});
  EXPECT_EQ(shared.Notify(req), 2);
  // Through another replica (its own UserService on the same store): within 5 s.
  UserService other(&ctx_);
  NewUser u;
  u.email = "tech3@acme.test";
  u.name = "t3";
  u.password_hash = "x";
  u.role = Role::kTechnician;
  u.company_ids = {"acme"};
  other.Create(u);
  EXPECT_EQ(shared.Notify(req), 2);  // the copy read above, 0 s old
  clock_.Advance(std::chrono::seconds(5));
  EXPECT_EQ(shared.Notify(req), 3);
  // The embedded store's service reads every time.
  Add("tech4@acme.test", Role::kTechnician, {"acme"});
  UserService third(&ctx_);
  u.email = "tech5@acme.test";
  third.Create(u);
  EXPECT_EQ(svc_->Notify(req), 5);
}

}  // namespace
}  // namespace aw::services
