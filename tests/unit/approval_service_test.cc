// Approval requests with a fake clock and a recording notifier: who is
// notified, who may decide, that exactly one decision wins, and expiry by
// Tick() (no sleeping).

#include "services/runbooks/approval_service.h"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <functional>
#include <mutex>
#include <set>
#include <thread>

#include "base/clock.h"
#include "base/errors.h"
#include "services/audit_service.h"
#include "services/context.h"
#include "store/tables.h"
#include "service_test_fixture.h"

namespace aw::services {
namespace {

using nlohmann::json;

Principal User(const std::string& id, Role role, std::vector<std::string> companies = {"c1"}) {
  Principal p;
  p.user_id = id;
  p.email = id + "@example.com";
  p.role = role;
  p.company_ids = std::move(companies);
  return p;
}

class ApprovalServiceTest : public testing::ServiceTest {
 protected:
  void SetUp() override {
    ServiceTest::SetUp();
    if (HasFatalFailure()) return;
    ctx_.notifier = &notifier_;
    audit_ = std::make_unique<AuditService>(&ctx_);
    approvals_ = std::make_unique<ApprovalService>(&ctx_, audit_.get(), 3600);
  }

  json Request(const Principal& requester, const std::string& risk) {
    json incident = {{"company_id", "c1"}, {"id", "inc-1"}, {"title", "Disk full on web-1"}};
    json runbook = {{"id", "rb-1"}, {"name", "Clean disk"}, {"risk_level", risk}};
    RunbookTarget target;
    target.instance_ids = {"i-12345678"};
    auto gate = core::GateExecution(ActorOf(requester), *core::ParseRiskLevel(risk), false);
    EXPECT_EQ(gate.gate, core::Gate::kNeedsApproval);
    return approvals_->Create(requester, incident, runbook, target, gate);
  }

  std::multiset<std::string> AuditActions() {
    store::QueryRequest q;
    q.table = store::tables::kAuditLogs;
    q.pk = "c1";
    auto r = store_->Query(q);
    EXPECT_TRUE(r.ok());
    std::multiset<std::string> out;
    for (const auto& it : r->items) out.insert(it.value("action", ""));
    return out;
  }

  static std::string CodeOf(const std::function<void()>& fn) {
    try {
      fn();
    } catch (const ApiError& e) {
      return e.code();
    }
    return "ok";
  }

  testing::RecordingNotifier notifier_;
  std::unique_ptr<AuditService> audit_;
  std::unique_ptr<ApprovalService> approvals_;
  Principal tech_ = User("tech", Role::kTechnician);
  Principal admin_ = User("admin", Role::kCompanyAdmin);
  Principal msp_ = User("msp", Role::kMspAdmin, {});
};

TEST_F(ApprovalServiceTest, MediumRequestNotifiesAdminsAndIsAudited) {
  json req = Request(tech_, "medium");
  EXPECT_EQ(req["status"], "pending");
  EXPECT_EQ(req["required_approver_role"], "company_admin");
  EXPECT_EQ(req["requested_by"], "tech");
  EXPECT_FALSE(req.contains("expires_at_us"));
  const auto sent = notifier_.Sent();
  ASSERT_EQ(sent.size(), 1u);
  EXPECT_EQ(sent[0].type, "approval_needed");
  EXPECT_EQ(sent[0].company_id, "c1");
  EXPECT_EQ(std::set<std::string>(sent[0].roles.begin(), sent[0].roles.end()),
            (std::set<std::string>{"company_admin", "msp_admin"}));
  EXPECT_EQ(sent[0].data["approval_request_id"], req["id"]);
  EXPECT_EQ(AuditActions().count("approval_requested"), 1u);
}

TEST_F(ApprovalServiceTest, HighRequestNotifiesOnlyMspAdminsAndOnlyTheyApprove) {
  json req = Request(admin_, "high");
  ASSERT_EQ(notifier_.Sent().size(), 1u);
  EXPECT_EQ(notifier_.Sent()[0].roles, std::vector<std::string>{"msp_admin"});
  Principal other_admin = User("admin2", Role::kCompanyAdmin);
  EXPECT_EQ(CodeOf([&] { approvals_->Approve(other_admin, req["id"], ""); }), "forbidden");
  json ok = approvals_->Approve(msp_, req["id"], "looks fine");
  EXPECT_EQ(ok["status"], "approved");
  EXPECT_EQ(ok["decided_by"], "msp");
  EXPECT_EQ(ok["approval_notes"], "looks fine");
}

TEST_F(ApprovalServiceTest, NobodyDecidesTheirOwnRequest) {
  Principal msp_requester = User("msp", Role::kMspAdmin, {});
  json req = Request(tech_, "medium");
  EXPECT_EQ(CodeOf([&] { approvals_->Approve(tech_, req["id"], ""); }), "self_approval");
  EXPECT_EQ(CodeOf([&] { approvals_->Reject(tech_, req["id"], ""); }), "self_approval");
  // A technician of the company is not an approver either.
  EXPECT_EQ(CodeOf([&] { approvals_->Approve(User("tech2", Role::kTechnician), req["id"], ""); }),
            "forbidden");
  EXPECT_EQ(approvals_->Get(admin_, req["id"])["status"], "pending");
}

TEST_F(ApprovalServiceTest, OtherCompaniesSeeNothing) {
  json req = Request(tech_, "medium");
  Principal outsider = User("x", Role::kCompanyAdmin, {"c2"});
  EXPECT_EQ(CodeOf([&] { approvals_->Approve(outsider, req["id"], ""); }), "not_found");
  EXPECT_EQ(CodeOf([&] { approvals_->Get(outsider, req["id"]); }), "not_found");
  EXPECT_EQ(CodeOf([&] { approvals_->Get(User("cl", Role::kClient), req["id"]); }), "forbidden");
}

TEST_F(ApprovalServiceTest, ExactlyOneDecisionWins) {
  json req = Request(tech_, "medium");
  std::atomic<int> wins{0}, conflicts{0};
  std::vector<std::thread> threads;
  for (int i = 0; i < 8; ++i) {
    threads.emplace_back([&, i] {
      Principal approver = i % 2 == 0 ? admin_ : msp_;
      std::string code = CodeOf([&] {
        if (i % 3 == 0) {
          approvals_->Reject(approver, req["id"], "no");
        } else {
          approvals_->Approve(approver, req["id"], "");
        }
      });
      if (code == "ok") ++wins;
      if (code == "already_decided") ++conflicts;
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(wins.load(), 1);
  EXPECT_EQ(conflicts.load(), 7);
  auto actions = AuditActions();
  EXPECT_EQ(actions.count("approval_granted") + actions.count("approval_rejected"), 1u);
}

TEST_F(ApprovalServiceTest, TickExpiresDueRequestsOnce) {
  json due = Request(tech_, "medium");
  clock_.Advance(std::chrono::minutes(30));
  json later = Request(tech_, "medium");
  EXPECT_EQ(approvals_->Tick(), 0);
  clock_.Advance(std::chrono::minutes(30) + std::chrono::seconds(1));  // first one is past its hour
  EXPECT_EQ(approvals_->Tick(), 1);
  EXPECT_EQ(approvals_->Get(admin_, due["id"])["status"], "expired");
  EXPECT_EQ(approvals_->Get(admin_, later["id"])["status"], "pending");
  EXPECT_EQ(approvals_->Tick(), 0);  // the due-pointer is gone
  EXPECT_EQ(AuditActions().count("approval_expired"), 1u);
  EXPECT_EQ(CodeOf([&] { approvals_->Approve(admin_, due["id"], ""); }), "approval_expired");
  // The requester heard about it.
  ASSERT_FALSE(notifier_.Sent().empty());
  EXPECT_EQ(notifier_.Sent().back().type, "approval_expired");
  EXPECT_EQ(notifier_.Sent().back().user_ids, std::vector<std::string>{"tech"});
  clock_.Advance(std::chrono::minutes(31));
  EXPECT_EQ(approvals_->Tick(), 1);
  EXPECT_EQ(AuditActions().count("approval_expired"), 2u);
}

TEST_F(ApprovalServiceTest, ApprovingPastTheDeadlineIsAConflictEvenBeforeTheWorkerRuns) {
  json req = Request(tech_, "medium");
  clock_.Advance(std::chrono::hours(1));
  EXPECT_EQ(CodeOf([&] { approvals_->Approve(admin_, req["id"], ""); }), "approval_expired");
  EXPECT_EQ(approvals_->Get(admin_, req["id"])["status"], "expired");
  EXPECT_EQ(approvals_->Tick(), 0);  // already expired by the approve attempt
  EXPECT_EQ(AuditActions().count("approval_expired"), 1u);
}

TEST_F(ApprovalServiceTest, DecidedRequestsLeaveNoDuePointer) {
  json a = Request(tech_, "medium");
  json b = Request(tech_, "medium");
  approvals_->Approve(admin_, a["id"], "");
  approvals_->Reject(admin_, b["id"], "not now");
  clock_.Advance(std::chrono::hours(2));
  EXPECT_EQ(approvals_->Tick(), 0);
  EXPECT_EQ(approvals_->Get(admin_, a["id"])["status"], "approved");
  EXPECT_EQ(approvals_->Get(admin_, b["id"])["status"], "rejected");
  EXPECT_EQ(approvals_->Get(admin_, b["id"])["rejection_reason"], "not now");
}

TEST_F(ApprovalServiceTest, ListFiltersByStatusAndCompany) {
  json a = Request(tech_, "medium");
  json b = Request(tech_, "medium");
  approvals_->Approve(admin_, a["id"], "");
  auto pending = approvals_->List(admin_, "c1", "pending", 50, "", {});
  ASSERT_EQ(pending.items.size(), 1u);
  EXPECT_EQ(pending.items[0]["id"], b["id"]);
  EXPECT_EQ(approvals_->List(admin_, "", "approved", 50, "", {}).items.size(), 1u);
  EXPECT_EQ(CodeOf([&] { approvals_->List(admin_, "c1", "bogus", 50, "", {}); }), "validation_error");
  EXPECT_EQ(CodeOf([&] { approvals_->List(User("x", Role::kCompanyAdmin, {"c2"}), "c1", "", 50, "", {}); }),
            "forbidden");
  EXPECT_TRUE(approvals_->List(User("x", Role::kCompanyAdmin, {"c2"}), "", "", 50, "", {}).items.empty());
}

TEST_F(ApprovalServiceTest, ApprovalReservesTheExecutionIdInTheSameUpdate) {
  // Crash recovery starts the execution under this id; a losing approver
  // must not replace it.
  json req = Request(tech_, "medium");
  json ok = approvals_->Approve(admin_, req["id"], "", "exec-1");
  EXPECT_EQ(ok["status"], "approved");
  EXPECT_EQ(ok["execution_id"], "exec-1");
  EXPECT_EQ(CodeOf([&] { approvals_->Approve(msp_, req["id"], "", "exec-2"); }), "already_decided");
  EXPECT_EQ(approvals_->Get(msp_, req["id"])["execution_id"], "exec-1");
  // A rejection reserves nothing.
  json other = Request(tech_, "medium");
  EXPECT_TRUE(approvals_->Reject(admin_, other["id"], "no")["execution_id"].is_null());
}

}  // namespace
}  // namespace aw::services
