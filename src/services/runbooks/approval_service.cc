// Approval requests: create, list, approve / reject (conditional), expiry worker.

#include "services/runbooks/approval_service.h"

#include <spdlog/spdlog.h>

#include "base/errors.h"
#include "base/ids.h"
#include "base/time_format.h"
#include "services/identity/tenant_scope.h"
#include "services/merged_query.h"
#include "services/paging.h"
#include "store/tables.h"

namespace aw::services {

namespace t = store::tables;
using nlohmann::json;

namespace {

constexpr const char* kPendingPartition = "_pending";

std::string PointerSk(const json& item) { return item.value("expires_at", "") + "#" + item.value("id", ""); }

}  // namespace

core::Actor ActorOf(const Principal& p) {
  if (p.user_id == "system") return core::Actor::kSystem;
  switch (p.role) {
    case Role::kMspAdmin:
      return core::Actor::kMspAdmin;
    case Role::kCompanyAdmin:
      return core::Actor::kCompanyAdmin;
    case Role::kTechnician:
      return core::Actor::kTechnician;
    case Role::kClient:
      return core::Actor::kClient;
  }
  return core::Actor::kClient;
}

const Principal& SystemPrincipal() {
  static const Principal kSystem = [] {
    Principal p;
    p.user_id = "system";
    p.email = "system";
    p.name = "Alert Whisperer";
    p.role = Role::kMspAdmin;
    return p;
  }();
  return kSystem;
}

AuditEntry AuditFor(const Principal& p, const std::string& company_id, const std::string& action,
                    const std::string& resource_type, const std::string& resource_id) {
  AuditEntry e;
  e.company_id = company_id;
  e.user_id = p.user_id;
  e.user_email = p.email;
  e.user_role = p.user_id == "system" ? "system" : RoleName(p.role);
  e.action = action;
  e.resource_type = resource_type;
  e.resource_id = resource_id;
  e.status = 200;
  return e;
}

json ApprovalService::View(const json& item) {
  json out = item;
  for (const char* k : {"expires_at_us", "ttl"}) out.erase(k);
  return out;
}

json ApprovalService::Create(const Principal& requester, const json& incident, const json& runbook,
                             const RunbookTarget& target, const core::GateDecision& gate) {
  const std::string company_id = incident.value("company_id", "");
  const int64_t now_us = ctx_->clock->NowMicros();
  const int64_t expires_us = now_us + ttl_seconds_ * 1'000'000;
  const std::string id = NewId(now_us);
  json item = {{"company_id", company_id},
               {"id", id},
               {"status", "pending"},
               {"incident_id", incident.value("id", "")},
               {"incident_title", incident.value("title", "")},
               {"runbook_id", runbook.value("id", "")},
               {"runbook_name", runbook.value("name", "")},
               {"risk_level", runbook.value("risk_level", "")},
               {"required_approver_role", core::ApproverLevelName(gate.approver)},
               {"reason", gate.reason},
               {"targets", target.ToJson()},
               {"requested_by", requester.user_id},
               {"requested_by_email", requester.email},
               {"requested_by_role", RoleName(requester.role)},
               {"created_at", FormatIso8601Micros(now_us)},
               {"expires_at", FormatIso8601Micros(expires_us)},
               {"expires_at_us", expires_us},
               {"decided_by", nullptr},
               {"decided_at", nullptr},
               {"execution_id", nullptr}};
  // Locator and due-pointer first: a crash after them leaves only harmless
  // items (the worker drops a pointer whose request is missing).
  ThrowIfError(
      ctx_->store->PutItem({t::kApprovalRequests,
                            json{{"company_id", RunbookLocatorKey(id).pk}, {"id", id}, {"owner", company_id}},
                            {},
                            true}),
      "approval locator");
  ThrowIfError(ctx_->store->PutItem({t::kApprovalRequests,
                                     json{{"company_id", kPendingPartition},
                                          {"id", PointerSk(item)},
                                          {"owner", company_id},
                                          {"request_id", id}},
                                     {},
                                     true}),
               "approval pointer");
  ThrowIfError(
      ctx_->store->PutItem({t::kApprovalRequests, item, store::Condition::ItemNotExists("company_id")}),
      "approval request");

  AuditEntry e = AuditFor(requester, company_id, "approval_requested", "approval_request", id);
  e.details = {{"incident_id", item["incident_id"]},
               {"runbook_id", item["runbook_id"]},
               {"risk_level", item["risk_level"]},
               {"required_approver_role", item["required_approver_role"]}};
  e.status = 202;
  audit_->Record(e);

  NotificationRequest n;
  n.company_id = company_id;
  n.type = "approval_needed";
  if (gate.approver == core::ApproverLevel::kMspAdmin) {
    n.roles = {"msp_admin"};
  } else {
    n.roles = {"company_admin", "msp_admin"};
  }
  n.title = "Approval needed: " + item.value("runbook_name", std::string("runbook"));
  n.message = requester.email + " asks to run the " + item.value("risk_level", std::string()) +
              "-risk runbook \"" + item.value("runbook_name", std::string()) + "\" for incident \"" +
              item.value("incident_title", std::string()) + "\". It expires at " +
              item.value("expires_at", std::string()) + ".";
  n.priority = item["risk_level"] == "high" ? "high" : "normal";
  n.incident_id = item.value("incident_id", "");
  n.data = {
      {"approval_request_id", id}, {"runbook_id", item["runbook_id"]}, {"risk_level", item["risk_level"]}};
  n.email = true;
  try {
    ctx_->notifier->Notify(n);
  } catch (const std::exception& ex) {
    spdlog::warn("approval {}: notifying approvers failed: {}", id, ex.what());
  }
  ctx_->events->Publish({"approval_requested", company_id, View(item), ""});
  return View(item);
}

Page ApprovalService::List(const Principal& p, const std::string& company_id, const std::string& status,
                           int limit, const std::string& cursor,
                           const std::vector<std::string>& all_company_ids) {
  if (!status.empty() && status != "pending" && status != "approved" && status != "rejected" &&
      status != "expired") {
    ThrowInvalidField("status", "must be one of: pending, approved, rejected, expired");
  }
  MergedQuery q;
  q.table = t::kApprovalRequests;
  q.partitions = RunbookListPartitions(p, company_id, all_company_ids);
  q.limit = limit;
  q.cursor = cursor;
  const int64_t now_us = ctx_->clock->NowMicros();
  if (!status.empty()) {
    // A pending request past its expiry counts as expired even before the worker ran.
    q.keep = [status, now_us](const json& it) {
      std::string s = it.value("status", "");
      if (s == "pending" && it.value("expires_at_us", int64_t{0}) <= now_us) s = "expired";
      return s == status;
    };
  }
  Page page = RunMergedQuery(ctx_->store, q);
  for (auto& it : page.items) {
    if (it.value("status", "") == "pending" && it.value("expires_at_us", int64_t{0}) <= now_us)
      it["status"] = "expired";
    it = View(it);
  }
  return page;
}

std::string ApprovalService::CompanyOf(const std::string& id) {
  return LocatedOwner(ctx_, t::kApprovalRequests, id);
}

json ApprovalService::Get(const Principal& p, const std::string& id) {
  std::string cid = LocatedOwner(ctx_, t::kApprovalRequests, id);
  RequireVisibleOwner(p, cid, "approval request");
  RequireRunbookReader(p, cid);
  auto r = ctx_->store->GetItem({t::kApprovalRequests, {cid, id}});
  if (r.status().IsNotFound()) ThrowNotFound("approval request");
  ThrowIfError(r.status(), "approval request");
  json item = *r;
  if (item.value("status", "") == "pending" &&
      item.value("expires_at_us", int64_t{0}) <= ctx_->clock->NowMicros()) {
    item["status"] = "expired";
  }
  return View(item);
}

json ApprovalService::LoadForDecision(const Principal& p, const std::string& id, std::string* company_id) {
  std::string cid = LocatedOwner(ctx_, t::kApprovalRequests, id);
  RequireVisibleOwner(p, cid, "approval request");
  RequireWrite(p, cid);
  auto r = ctx_->store->GetItem({t::kApprovalRequests, {cid, id}});
  if (r.status().IsNotFound()) ThrowNotFound("approval request");
  ThrowIfError(r.status(), "approval request");
  *company_id = cid;
  return std::move(r).value();
}

json ApprovalService::Decide(const Principal& p, const std::string& id, const std::string& to,
                             const std::string& text, const std::string& execution_id) {
  std::string cid;
  json item = LoadForDecision(p, id, &cid);
  auto risk = core::ParseRiskLevel(item.value("risk_level", "high")).value_or(core::RiskLevel::kHigh);
  auto check = core::CanApprove(ActorOf(p), risk, item.value("requested_by", "") == p.user_id);
  if (!check.allowed) {
    Throw(ErrorKind::kForbidden, item.value("requested_by", "") == p.user_id ? "self_approval" : "forbidden",
          check.reason);
  }
  const int64_t now_us = ctx_->clock->NowMicros();
  auto conflict = [&](const json& cur) {
    std::string st = cur.value("status", "");
    if (st == "expired" || (st == "pending" && cur.value("expires_at_us", int64_t{0}) <= now_us)) {
      if (st == "pending") ExpireOne(cid, id, PointerSk(cur));
      Throw(
          ErrorKind::kConflict, "approval_expired",
          "the approval request expired at " + cur.value("expires_at", std::string()) + "; request it again");
    }
    Throw(ErrorKind::kConflict, "already_decided", "the approval request is already " + st);
  };
  if (item.value("status", "") != "pending" || item.value("expires_at_us", int64_t{0}) <= now_us)
    conflict(item);

  store::UpdateRequest u;
  u.table = t::kApprovalRequests;
  u.key = {cid, id};
  u.condition.Equals("status", "pending").Greater("expires_at_us", now_us);
  const std::string now = FormatIso8601Micros(now_us);
  u.Set("status", to).Set("decided_by", p.user_id).Set("decided_by_email", p.email).Set("decided_at", now);
  u.Set(to == "approved" ? "approval_notes" : "rejection_reason", text);
  if (to == "approved" && !execution_id.empty()) u.Set("execution_id", execution_id);
  auto r = ctx_->store->UpdateItem(u);
  if (r.status().IsConditionFailed()) {
    auto cur = ctx_->store->GetItem({t::kApprovalRequests, {cid, id}});
    ThrowIfError(cur.status(), "approval request");
    conflict(*cur);
  }
  ThrowIfError(r.status(), "approval request");
  (void)ctx_->store->DeleteItem({t::kApprovalRequests, {kPendingPartition, PointerSk(*r)}, {}});

  AuditEntry e =
      AuditFor(p, cid, to == "approved" ? "approval_granted" : "approval_rejected", "approval_request", id);
  e.details = {{"incident_id", r->value("incident_id", "")},
               {"runbook_id", r->value("runbook_id", "")},
               {"requested_by", r->value("requested_by", "")}};
  if (!text.empty()) e.details[to == "approved" ? "notes" : "reason"] = text.substr(0, 500);
  audit_->Record(e);

  NotificationRequest n;
  n.company_id = cid;
  n.user_ids = {r->value("requested_by", "")};
  n.type = to == "approved" ? "approval_granted" : "approval_rejected";
  n.title = std::string(to == "approved" ? "Approved: " : "Rejected: ") + r->value("runbook_name", "");
  n.message = p.email + (to == "approved" ? " approved" : " rejected") + " your request to run \"" +
              r->value("runbook_name", "") + "\"" + (text.empty() ? "." : ": " + text);
  n.incident_id = r->value("incident_id", "");
  n.data = {{"approval_request_id", id}};
  try {
    ctx_->notifier->Notify(n);
  } catch (const std::exception& ex) {
    spdlog::warn("approval {}: notifying the requester failed: {}", id, ex.what());
  }
  ctx_->events->Publish({"approval_updated", cid, View(*r), ""});
  return View(*r);
}

json ApprovalService::Approve(const Principal& p, const std::string& id, const std::string& notes,
                             const std::string& execution_id) {
  return Decide(p, id, "approved", notes, execution_id);
}

json ApprovalService::Reject(const Principal& p, const std::string& id, const std::string& reason) {
  return Decide(p, id, "rejected", reason);
}

json ApprovalService::LinkExecution(const json& approval, const std::string& execution_id) {
  store::UpdateRequest u;
  u.table = t::kApprovalRequests;
  u.key = {approval.value("company_id", ""), approval.value("id", "")};
  u.condition = store::Condition::ItemExists("company_id");
  u.Set("execution_id", execution_id);
  auto r = ctx_->store->UpdateItem(u);
  ThrowIfError(r.status(), "approval request");
  return View(*r);
}

bool ApprovalService::ExpireOne(const std::string& company_id, const std::string& id,
                                const std::string& pointer_sk) {
  store::UpdateRequest u;
  u.table = t::kApprovalRequests;
  u.key = {company_id, id};
  u.condition.Equals("status", "pending");
  const std::string now = ctx_->Now();
  u.Set("status", "expired").Set("expired_at", now);
  auto r = ctx_->store->UpdateItem(u);
  bool expired = r.ok();
  if (!r.ok() && !r.status().IsConditionFailed()) {
    spdlog::warn("approval expiry: updating request {} of company {} failed: {}", id, company_id,
                 r.status().message());
    return false;  // keep the pointer: retried at the next tick
  }
  (void)ctx_->store->DeleteItem({t::kApprovalRequests, {kPendingPartition, pointer_sk}, {}});
  if (!expired) return false;
  AuditEntry e = AuditFor(SystemPrincipal(), company_id, "approval_expired", "approval_request", id);
  e.details = {{"incident_id", r->value("incident_id", "")},
               {"runbook_id", r->value("runbook_id", "")},
               {"requested_by", r->value("requested_by", "")},
               {"expires_at", r->value("expires_at", "")}};
  audit_->Record(e);
  NotificationRequest n;
  n.company_id = company_id;
  n.user_ids = {r->value("requested_by", "")};
  n.type = "approval_expired";
  n.title = "Expired: " + r->value("runbook_name", "");
  n.message = "Your request to run \"" + r->value("runbook_name", "") + "\" expired without a decision.";
  n.incident_id = r->value("incident_id", "");
  n.data = {{"approval_request_id", id}};
  try {
    ctx_->notifier->Notify(n);
  } catch (const std::exception& ex) {
    spdlog::warn("approval {}: notifying the requester of expiry failed: {}", id, ex.what());
  }
  ctx_->events->Publish({"approval_updated", company_id, View(*r), ""});
  spdlog::info("approval request {} of company {} expired", id, company_id);
  return true;
}

int ApprovalService::Tick() {
  int expired = 0;
  try {
    const std::string now = ctx_->Now();
    store::QueryRequest q;
    q.table = t::kApprovalRequests;
    q.pk = kPendingPartition;
    q.sk = {store::SortCondition::Op::kLessEq, now, ""};
    q.limit = 100;
    q.consistent = true;
    Status s = ForEachItem(
        ctx_->store, q,
        [&](store::Item& ptr) {
          if (ExpireOne(ptr.value("owner", ""), ptr.value("request_id", ""), ptr.value("id", ""))) ++expired;
          return true;
        },
        100);
    if (!s.ok()) spdlog::warn("approval expiry: reading due requests failed: {}", s.message());
  } catch (const std::exception& e) {
    spdlog::warn("approval expiry failed: {}", e.what());
  }
  return expired;
}

void ApprovalService::Start(std::chrono::milliseconds period) {
  std::lock_guard<std::mutex> lock(mu_);
  if (expiry_ != nullptr && expiry_->running()) return;
  expiry_ = std::make_unique<PeriodicTask>("approval expiry", PeriodicTask::Options{.period = period},
                                           [this] { Tick(); });
  expiry_->Start();
}

void ApprovalService::Stop() {
  std::lock_guard<std::mutex> lock(mu_);
  if (expiry_ != nullptr) expiry_->Stop();
}

}  // namespace aw::services
