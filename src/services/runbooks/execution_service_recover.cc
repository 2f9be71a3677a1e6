// Crash recovery of runbook executions and approved requests (see
// ExecutionService::Recover in execution_service.h, docs/runbooks.md).

#include <spdlog/spdlog.h>

#include "base/errors.h"
#include "base/ids.h"
#include "base/time_format.h"
#include "services/identity/company_service.h"
#include "services/paging.h"
#include "services/runbooks/execution_service.h"
#include "store/tables.h"

namespace aw::services {

namespace t = store::tables;
using nlohmann::json;

namespace {

constexpr int kMaxPages = 1000;

// Every item of one partition that `keep` accepts (a Query, paged).
Status QueryAll(store::Store* store, const std::string& pk, const std::function<bool(const json&)>& keep,
                std::vector<json>* out) {
  store::QueryRequest q;
  q.table = t::kApprovalRequests;
  q.pk = pk;
  q.limit = 200;
  q.consistent = true;
  return ForEachItem(
      store, q,
      [&](store::Item& it) {
        if (keep(it)) out->push_back(std::move(it));
        return true;
      },
      kMaxPages);
}

int64_t LastSignOfLife(const json& rec) {
  for (const char* k : {"heartbeat_us", "started_us"}) {
    if (rec.contains(k) && rec[k].is_number()) return rec[k].get<int64_t>();
  }
  auto created = ParseIso8601(rec.value("created_at", ""));
  return created ? *created : 0;
}

}  // namespace

bool ExecutionService::Orphaned(const json& rec, bool at_start) const {
  // Alone on the store, what was unfinished before this start is orphaned
  // (a record written since is this process's own run).
  if (at_start && options_.exclusive_store && LastSignOfLife(rec) < start_us_) return true;
  const int64_t orphan_us = int64_t{options_.orphan_after.count()} * 1'000'000;
  return ctx_->clock->NowMicros() - LastSignOfLife(rec) >= orphan_us;
}

int ExecutionService::Recover(bool at_start) {
  int taken = 0;
  try {
    auto companies = AllCompanyIds(ctx_->store);
    if (!companies.ok()) {
      spdlog::warn("runbook recovery: listing companies failed: {}", companies.status().message());
      return taken;
    }
    for (const auto& cid : *companies) {
      taken += RecoverExecutions(cid, at_start);
      taken += RecoverApprovals(cid);
    }
  } catch (const std::exception& e) {
    spdlog::warn("runbook recovery failed: {}", e.what());
  }
  if (taken > 0) spdlog::info("runbook recovery: took over {} unfinished execution(s) or approval(s)", taken);
  return taken;
}

int ExecutionService::RecoverExecutions(const std::string& cid, bool at_start) {
  std::vector<json> open;
  Status s = QueryAll(ctx_->store, cid + "#exec", [](const json& it) {
    const std::string st = it.value("status", "");
    return st == "pending" || st == "running";
  }, &open);
  if (!s.ok()) {
    spdlog::warn("runbook recovery: reading the executions of company {} failed: {}", cid, s.message());
    return 0;
  }
  int taken = 0;
  for (const auto& rec : open) {
    if (!Orphaned(rec, at_start)) continue;
    const std::string exec_id = rec.value("execution_id", "");
    const std::string status = rec.value("status", "");
    const int64_t now_us = ctx_->clock->NowMicros();
    // Claim: unchanged since read (status and heartbeat), so one replica takes it.
    store::UpdateRequest u;
    u.table = t::kApprovalRequests;
    u.key = {rec["company_id"], rec["id"]};
    u.condition.Equals("status", status);
    if (rec.contains("heartbeat_us")) {
      u.condition.Equals("heartbeat_us", rec["heartbeat_us"]);
    } else {
      u.condition.NotExists("heartbeat_us");
    }
    u.Set("status", "running").Set("heartbeat_us", now_us).Set("recovered_at", FormatIso8601Micros(now_us));
    if (status == "pending") u.Set("started_at", FormatIso8601Micros(now_us)).Set("started_us", now_us);
    auto r = ctx_->store->UpdateItem(u);
    if (r.status().IsConditionFailed()) continue;  // another replica took it, or it moved on
    if (!r.ok()) {
      spdlog::warn("runbook recovery: claiming execution {} failed: {}", exec_id, r.status().message());
      continue;
    }
    ++taken;
    Job job;
    job.company_id = cid;
    job.incident_id = rec.value("incident_id", "");
    job.execution_id = exec_id;
    job.target = TargetOf(rec.value("targets", json::object()));
    auto rb = runbooks_->Find(cid, rec.value("runbook_id", ""));
    if (status == "pending") {
      // Written but never handed to the executor: SSM has not seen it.
      if (!rb) {
        job.runbook = {{"id", rec.value("runbook_id", "")}, {"name", rec.value("runbook_name", "")}};
        Finish(job, "failed", json::array(), "", "the runbook was deleted before the run began",
               r->value("started_us", now_us));
        continue;
      }
      job.runbook = *rb;
      spdlog::warn("runbook execution {} was left pending by a stopped server; running it now", exec_id);
      Enqueue([this, job] { Run(job); });
      continue;
    }
    job.runbook = rb ? *rb : json{{"id", rec.value("runbook_id", "")}, {"name", rec.value("runbook_name", "")}};
    if (rec.contains("timeout_seconds") && rec["timeout_seconds"].is_number_integer()) {
      job.runbook["timeout_seconds"] = rec["timeout_seconds"];  // as it was sent
    }
    const int64_t started_us = rec.value("started_us", LastSignOfLife(rec));
    const json& cmd = rec.contains("command_id") ? rec["command_id"] : json();
    if (!cmd.is_string() || cmd.get<std::string>().empty()) {
      Finish(job, "failed", json::array(), "",
             "the server stopped before SSM confirmed the command; it may or may not have run (look for the "
             "comment \"Alert Whisperer incident " + job.incident_id + "\" in the SSM command history)",
             started_us);
      continue;
    }
    const std::string command_id = cmd.get<std::string>();
    spdlog::warn("runbook execution {} was left running by a stopped server; polling SSM command {} again",
                 exec_id, command_id);
    Enqueue([this, job, command_id, started_us] { Poll(job, command_id, started_us); });
  }
  return taken;
}

int ExecutionService::RecoverApprovals(const std::string& cid) {
  std::vector<json> approved;
  Status s = QueryAll(ctx_->store, cid, [](const json& it) {
    return it.value("status", "") == "approved" && !it.contains("execution_error");
  }, &approved);
  if (!s.ok()) {
    spdlog::warn("runbook recovery: reading the approval requests of company {} failed: {}", cid, s.message());
    return 0;
  }
  int taken = 0;
  const int64_t now_us = ctx_->clock->NowMicros();
  for (json req : approved) {
    const auto decided = ParseIso8601(req.value("decided_at", ""));
    const int64_t age_us = decided ? now_us - *decided : INT64_MAX;
    const std::string id = req.value("id", "");
    const json& reserved = req.contains("execution_id") ? req["execution_id"] : json();
    if (reserved.is_string() && !reserved.get<std::string>().empty()) {
      auto ex = ctx_->store->GetItem(
          {t::kApprovalRequests, {cid + "#exec", req.value("incident_id", "") + "#" + reserved.get<std::string>()}});
      if (ex.ok()) continue;  // started: the usual case
      if (!ex.status().IsNotFound()) continue;
      // Approved, execution reserved, never written: a crash in between. A
      // request approved moments ago may still be on its way on another replica.
      if (age_us < int64_t{options_.orphan_after.count()} * 1'000'000) continue;
    } else {
      // Approved before ids were reserved (an older record): reserve one now, conditionally.
      if (age_us < int64_t{options_.orphan_after.count()} * 1'000'000) continue;
      store::UpdateRequest u;
      u.table = t::kApprovalRequests;
      u.key = {cid, id};
      u.condition.Equals("status", "approved").Equals("execution_id", nullptr);
      u.Set("execution_id", NewId(now_us));
      auto r = ctx_->store->UpdateItem(u);
      if (!r.ok()) continue;  // someone else reserved it (or it has no execution_id attribute at all)
      req = *r;
    }
    if (age_us > int64_t{options_.approval_start_window.count()} * 1'000'000) {
      std::string why = "the server stopped before the approved execution started, and the approval is older "
                        "than " + std::to_string(options_.approval_start_window.count()) +
                        " s: request it again";
      MarkNotStarted(req, why);
      spdlog::warn("approval request {} of company {}: {}", id, cid, why);
      ++taken;
      continue;
    }
    std::string why;
    try {
      auto exec = StartApproved(req, &why);
      if (exec) {
        spdlog::warn("approval request {} of company {} was approved but its execution never started "
                     "(server stopped); started execution {}",
                     id, cid, exec->value("id", ""));
        ++taken;
      } else if (why != "already started") {
        MarkNotStarted(req, why);
      }
    } catch (const std::exception& e) {
      spdlog::warn("runbook recovery: starting the execution of approval {} failed: {}", id, e.what());
    }
  }
  return taken;
}

}  // namespace aw::services
