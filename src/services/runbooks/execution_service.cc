// Runbook executions: gating, approval hand-off, records, settings, executor.

#include "services/runbooks/execution_service.h"

#include <algorithm>
#include <memory>

#include <spdlog/spdlog.h>

#include "base/errors.h"
#include "base/ids.h"
#include "base/thread_name.h"
#include "base/time_format.h"
#include "core/runbook_policy.h"
#include "services/merged_query.h"
#include "store/tables.h"

namespace aw::services {

namespace t = store::tables;
using nlohmann::json;

namespace {

std::string ExecPartition(const std::string& company_id) { return company_id + "#exec"; }

}  // namespace

ExecutionService::ExecutionService(Context* ctx, IncidentService* incidents, RunbookService* runbooks,
                                   ApprovalService* approvals, AwsCredentialsService* aws,
                                   ConfigService* configs, AuditService* audit,
                                   const clients::HttpClient* http, ExecutionOptions options)
    : ctx_(ctx),
      incidents_(incidents),
      runbooks_(runbooks),
      approvals_(approvals),
      aws_(aws),
      configs_(configs),
      audit_(audit),
      http_(http),
      options_(options) {}

ExecutionService::~ExecutionService() { Stop(); }

json ExecutionService::View(const json& item) {
  json out = item;
  out["id"] = item.value("execution_id", "");
  out["company_id"] = item.value("owner", "");
  for (const char* k : {"owner", "execution_id", "started_us", "heartbeat_us", "ttl"}) out.erase(k);
  return out;
}

ExecuteResult ExecutionService::Execute(const Principal& p, const std::string& incident_id,
                                        const std::string& runbook_id,
                                        const std::optional<RunbookTarget>& override) {
  json incident = incidents_->Get(p, incident_id);
  const std::string cid = incident.value("company_id", "");
  RequireWrite(p, cid);
  auto rb = runbooks_->Find(cid, runbook_id);
  if (!rb) Throw(ErrorKind::kNotFound, "not_found", "runbook not found in the incident's company");
  RunbookTarget target = override && !override->empty() ? *override : TargetOf(*rb);
  if (target.empty()) {
    ThrowInvalidField("instance_ids",
                      "the runbook has no target: give instance_ids or target_tag_key and target_tag_value");
  }
  auto risk = core::ParseRiskLevel(rb->value("risk_level", "high")).value_or(core::RiskLevel::kHigh);
  core::GateDecision gate = core::GateExecution(ActorOf(p), risk, rb->value("auto_approve", false));
  if (gate.gate == core::Gate::kForbidden) ThrowForbidden(gate.reason);
  if (gate.gate == core::Gate::kNeedsApproval) {
    json req = approvals_->Create(p, incident, *rb, target, gate);
    return {202, {{"action", "approval_requested"}, {"reason", gate.reason}, {"approval_request", req}}};
  }
  json exec = *StartExecution(p, incident, *rb, target, nullptr);
  return {202, {{"action", "executing"}, {"reason", gate.reason}, {"execution", exec}}};
}

json ExecutionService::ApproveAndRun(const Principal& p, const std::string& approval_id,
                                     const std::string& notes) {
  // The execution id is reserved in the approving update itself: a crash
  // from here on leaves a request that Recover() starts exactly once.
  json approval = approvals_->Approve(p, approval_id, notes, NewId(ctx_->clock->NowMicros()));
  json out = {{"approval_request", approval}, {"execution", nullptr}};
  std::string why;
  std::optional<json> exec = StartApproved(approval, &why);
  if (!exec) {
    out["error"] = why;
    out["approval_request"] = MarkNotStarted(approval, why);
    return out;
  }
  out["execution"] = *exec;
  return out;
}

std::optional<json> ExecutionService::StartApproved(const json& approval, std::string* why) {
  const std::string cid = approval.value("company_id", "");
  json incident;
  try {
    incident = incidents_->Get(SystemPrincipal(), approval.value("incident_id", ""));
  } catch (const ApiError&) {
    *why = "the incident no longer exists; nothing was run";
    return std::nullopt;
  }
  auto rb = runbooks_->Find(cid, approval.value("runbook_id", ""));
  if (!rb) {
    *why = "the runbook was deleted after the request; nothing was run";
    return std::nullopt;
  }
  Principal requester;
  requester.user_id = approval.value("requested_by", "");
  requester.email = approval.value("requested_by_email", "");
  ParseRole(approval.value("requested_by_role", "technician"), &requester.role);
  json targets = approval.value("targets", json::object());
  const json& reserved = approval.contains("execution_id") ? approval["execution_id"] : json();
  auto exec = StartExecution(requester, incident, *rb, TargetOf(targets), approval,
                             reserved.is_string() ? reserved.get<std::string>() : "");
  if (!exec) *why = "already started";
  return exec;
}

json ExecutionService::MarkNotStarted(const json& approval, const std::string& why) {
  store::UpdateRequest u;
  u.table = t::kApprovalRequests;
  u.key = {approval.value("company_id", ""), approval.value("id", "")};
  u.condition = store::Condition::ItemExists("company_id");
  u.Set("execution_error", why).Set("execution_id", nullptr);  // no execution behind the reserved id
  auto r = ctx_->store->UpdateItem(u);
  if (!r.ok()) {
    spdlog::warn("approval {}: recording that no execution started failed: {}", approval.value("id", ""),
                 r.status().message());
    return approval;
  }
  return ApprovalService::View(*r);
}

std::optional<json> ExecutionService::StartExecution(const Principal& starter, const json& incident,
                                                     const json& runbook, const RunbookTarget& target,
                                                     const json& approval, const std::string& reserved_id) {
  const std::string cid = incident.value("company_id", "");
  const std::string incident_id = incident.value("id", "");
  const int64_t now_us = ctx_->clock->NowMicros();
  const std::string exec_id = reserved_id.empty() ? NewId(now_us) : reserved_id;
  const std::string now = FormatIso8601Micros(now_us);
  json item = {
      {"company_id", ExecPartition(cid)},
      {"id", incident_id + "#" + exec_id},
      {"execution_id", exec_id},
      {"owner", cid},
      {"incident_id", incident_id},
      {"runbook_id", runbook.value("id", "")},
      {"runbook_name", runbook.value("name", "")},
      {"risk_level", runbook.value("risk_level", "")},
      {"ssm_document_name", runbook.value("ssm_document_name", "AWS-RunShellScript")},
      {"targets", target.ToJson()},
      {"timeout_seconds", runbook.value("timeout_seconds", int64_t{600})},
      {"status", "pending"},
      {"started_by", starter.user_id},
      {"started_by_email", starter.email},
      {"approved_by", approval.is_object() ? approval.value("decided_by", json()) : json()},
      {"approved_by_email", approval.is_object() ? approval.value("decided_by_email", json()) : json()},
      {"approval_request_id", approval.is_object() ? approval.value("id", json()) : json()},
      {"created_at", now},
      {"started_at", nullptr},
      {"finished_at", nullptr},
      {"duration_seconds", nullptr},
      {"command_id", nullptr},
      {"results", json::array()},
      {"output_truncated", false},
      {"error", nullptr}};
  ThrowIfError(ctx_->store->PutItem({t::kApprovalRequests,
                                     json{{"company_id", RunbookLocatorKey(exec_id).pk},
                                          {"id", exec_id},
                                          {"owner", cid},
                                          {"incident_id", incident_id}},
                                     {},
                                     true}),
               "execution locator");
  Status put = ctx_->store->PutItem({t::kApprovalRequests, item, store::Condition::ItemNotExists("company_id")});
  if (put.IsConditionFailed() && !reserved_id.empty()) return std::nullopt;  // started by someone else
  ThrowIfError(put, "execution");
  // pending -> running as it is handed to the executor.
  store::UpdateRequest u;
  u.table = t::kApprovalRequests;
  u.key = {item["company_id"], item["id"]};
  u.condition.Equals("status", "pending");
  u.Set("status", "running").Set("started_at", now).Set("started_us", now_us);
  auto r = ctx_->store->UpdateItem(u);
  ThrowIfError(r.status(), "execution");

  AuditEntry e = AuditFor(starter, cid, "runbook_executed", "runbook_execution", exec_id);
  e.details = {{"incident_id", incident_id},
               {"runbook_id", runbook.value("id", "")},
               {"runbook_name", runbook.value("name", "")},
               {"risk_level", runbook.value("risk_level", "")},
               {"targets", target.ToJson()},
               {"approval_request_id", item["approval_request_id"]},
               {"approved_by", item["approved_by"]}};
  e.status = 202;
  audit_->Record(e);
  json view = View(*r);
  ctx_->events->Publish({"runbook_execution_updated", cid, view, ""});
  spdlog::info("runbook execution {} started: runbook {} on incident {} of company {} by {}", exec_id,
               runbook.value("id", ""), incident_id, cid, starter.user_id);

  Job job{cid, incident_id, exec_id, runbook, target};
  Enqueue([this, job] { Run(job); });
  return view;
}

Page ExecutionService::ListForIncident(const Principal& p, const std::string& incident_id, int limit,
                                       const std::string& cursor) {
  json incident = incidents_->Get(p, incident_id);
  const std::string cid = incident.value("company_id", "");
  RequireRunbookReader(p, cid);
  MergedQuery q;
  q.table = t::kApprovalRequests;
  q.partitions = {ExecPartition(cid)};
  q.sk = {store::SortCondition::Op::kBeginsWith, incident_id + "#", ""};
  q.limit = limit;
  q.cursor = cursor;
  Page page = RunMergedQuery(ctx_->store, q);
  for (auto& it : page.items) it = View(it);
  return page;
}

json ExecutionService::Get(const Principal& p, const std::string& execution_id) {
  json loc;
  std::string cid = LocatedOwner(ctx_, t::kApprovalRequests, execution_id, &loc);
  if (cid.empty() || !p.CanSeeCompany(cid) || !loc.contains("incident_id")) ThrowNotFound("execution");
  RequireRunbookReader(p, cid);
  auto r = ctx_->store->GetItem(
      {t::kApprovalRequests, {ExecPartition(cid), loc.value("incident_id", "") + "#" + execution_id}});
  if (r.status().IsNotFound()) ThrowNotFound("execution");
  ThrowIfError(r.status(), "execution");
  return View(*r);
}

json ExecutionService::Settings(const std::string& company_id) {
  json out = {{"auto_execute_low_risk", false}, {"auto_resolve_on_runbook_success", false}};
  if (auto item = configs_->Get(company_id, "runbook_settings")) {
    out["auto_execute_low_risk"] = item->value("auto_execute_low_risk", false);
    out["auto_resolve_on_runbook_success"] = item->value("auto_resolve_on_runbook_success", false);
  }
  return out;
}

json ExecutionService::SettingsView(const std::string& company_id) {
  json out = Settings(company_id);
  out["company_id"] = company_id;
  return out;
}

json ExecutionService::PutSettings(const std::string& company_id, const json& body) {
  json cur = Settings(company_id);
  for (const auto& [k, v] : body.items()) {
    if (k != "auto_execute_low_risk" && k != "auto_resolve_on_runbook_success") {
      if (k == "company_id") continue;
      ThrowInvalidField(k, "unknown field");
    }
    if (v.is_null()) continue;
    if (!v.is_boolean()) ThrowInvalidField(k, "must be true or false");
    cur[k] = v;
  }
  configs_->Put(company_id, "runbook_settings", cur);
  return SettingsView(company_id);
}

void ExecutionService::OnIncidentEvent(const std::string& type, const json& incident) {
  if (type != "incident_created") return;
  json copy = incident;
  Enqueue([this, copy] { AutoExecute(copy); });
}

void ExecutionService::Enqueue(std::function<void()> fn) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    queue_.push_back(std::move(fn));
  }
  cv_.notify_one();
}

void ExecutionService::WorkerLoop() {
  SetThreadName("aw-runbooks");
  std::unique_lock<std::mutex> lock(mu_);
  for (;;) {
    cv_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
    if (queue_.empty()) return;  // stopping and nothing left
    auto fn = std::move(queue_.front());
    queue_.pop_front();
    ++active_;
    lock.unlock();
    try {
      fn();
    } catch (const std::exception& e) {
      spdlog::error("runbook executor: a job failed: {}", e.what());
    }
    lock.lock();
    --active_;
    idle_cv_.notify_all();
  }
}

bool ExecutionService::WaitOrStop(std::chrono::milliseconds d) {
  std::unique_lock<std::mutex> lock(mu_);
  stop_cv_.wait_for(lock, d, [this] { return stopping_; });
  return !stopping_;
}

void ExecutionService::Start() {
  std::lock_guard<std::mutex> lock(mu_);
  if (!workers_.empty()) return;
  stopping_ = false;
  start_us_ = ctx_->clock->NowMicros();
  for (int i = 0; i < options_.worker_threads; ++i) workers_.emplace_back([this] { WorkerLoop(); });
  const auto every = std::max(std::chrono::milliseconds(options_.recovery_interval), std::chrono::milliseconds(0));
  recovery_ = std::make_unique<PeriodicTask>("runbook recovery", PeriodicTask::Options{.period = every},
                                             [this, at_start = true]() mutable {
                                               Recover(at_start);
                                               at_start = false;
                                             });
  recovery_->Start();
}

void ExecutionService::Stop() {
  std::vector<std::thread> workers;
  std::unique_ptr<PeriodicTask> recovery;
  {
    std::lock_guard<std::mutex> lock(mu_);
    stopping_ = true;
    workers.swap(workers_);
    recovery.swap(recovery_);
  }
  cv_.notify_all();
  stop_cv_.notify_all();
  if (recovery != nullptr) recovery->Stop();
  for (auto& w : workers) w.join();
}

bool ExecutionService::WaitIdle(std::chrono::milliseconds timeout) {
  std::unique_lock<std::mutex> lock(mu_);
  return idle_cv_.wait_for(lock, timeout, [this] { return queue_.empty() && active_ == 0; });
}

}  // namespace aw::services
