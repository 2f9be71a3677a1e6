// One runbook run: credentials, SendCommand, GetCommandInvocation polling
// until every instance is done or the deadline passes, the record, and the
// incident's optional auto-resolution.

#include <spdlog/spdlog.h>

#include <map>

#include "base/errors.h"
#include "base/time_format.h"
#include "clients/ssm_client.h"
#include "services/runbooks/execution_service.h"
#include "store/tables.h"

namespace aw::services {

namespace t = store::tables;
using nlohmann::json;

namespace {

// Valid UTF-8 of at most `max` bytes (invalid bytes become '?'); *cut when shortened.
std::string SafeText(const std::string& s, size_t max, bool* cut) {
  std::string out;
  out.reserve(std::min(s.size(), max));
  size_t i = 0;
  while (i < s.size()) {
    unsigned char c = static_cast<unsigned char>(s[i]);
    size_t n = c < 0x80 ? 1 : (c >> 5) == 0x6 ? 2 : (c >> 4) == 0xE ? 3 : (c >> 3) == 0x1E ? 4 : 0;
    bool ok = n > 0 && i + n <= s.size();
    for (size_t k = 1; ok && k < n; ++k) ok = (static_cast<unsigned char>(s[i + k]) & 0xC0) == 0x80;
    if (!ok) n = 1;
    if (out.size() + n > max) {
      if (cut) *cut = true;
      break;
    }
    if (ok) {
      out.append(s, i, n);
    } else {
      out += '?';
    }
    i += n;
  }
  return out;
}

constexpr int kMaxEmptyListings = 10;

bool IsRetryable(const Status& s) { return s.code() == Code::kThrottled || s.code() == Code::kUnavailable; }

}  // namespace

void ExecutionService::Run(const Job& job) {
  const int64_t started_us = ctx_->clock->NowMicros();
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (stopping_) {
      Finish(job, "cancelled", json::array(), "", "the server stopped before the run began", started_us);
      return;
    }
  }
  auto aws = aws_->Resolve(job.company_id);
  if (!aws.ok()) {
    Finish(job, "failed", json::array(), "", "AWS credentials: " + aws.status().message(), started_us);
    return;
  }
  clients::SsmClient ssm(http_, aws->ssm, aws->credentials, ctx_->clock);
  clients::SsmSendCommand cmd;
  cmd.document_name = job.runbook.value("ssm_document_name", "AWS-RunShellScript");
  if (job.runbook.contains("parameters") && job.runbook["parameters"].is_object()) {
    for (const auto& [k, v] : job.runbook["parameters"].items()) {
      std::vector<std::string> values;
      if (v.is_array()) {
        for (const auto& x : v) {
          if (x.is_string()) values.push_back(x.get<std::string>());
        }
      }
      cmd.parameters[k] = std::move(values);
    }
  }
  cmd.timeout_seconds = job.runbook.value("timeout_seconds", int64_t{600});
  // The shell documents take their run time limit as a parameter.
  if ((cmd.document_name == "AWS-RunShellScript" || cmd.document_name == "AWS-RunPowerShellScript") &&
      !cmd.parameters.count("executionTimeout")) {
    cmd.parameters["executionTimeout"] = {std::to_string(cmd.timeout_seconds)};
  }
  cmd.instance_ids = job.target.instance_ids;
  cmd.tag_key = job.target.tag_key;
  cmd.tag_value = job.target.tag_value;
  cmd.comment = "Alert Whisperer incident " + job.incident_id;

  Result<std::string> command_id = Status::Unavailable("not sent");
  for (int attempt = 0; attempt < 3; ++attempt) {
    command_id = ssm.SendCommand(cmd);
    if (command_id.ok() || !IsRetryable(command_id.status())) break;
    if (!WaitOrStop(options_.poll_interval)) break;
  }
  if (!command_id.ok()) {
    spdlog::warn("runbook execution {}: SendCommand failed: {}", job.execution_id,
                 command_id.status().message());
    Finish(job, "failed", json::array(), "", command_id.status().message(), started_us);
    return;
  }
  {
    store::UpdateRequest u;
    u.table = t::kApprovalRequests;
    u.key = {job.company_id + "#exec", job.incident_id + "#" + job.execution_id};
    u.condition.Equals("status", "running");
    u.Set("command_id", *command_id).Set("heartbeat_us", ctx_->clock->NowMicros());
    (void)ctx_->store->UpdateItem(u);
  }
  Poll(job, *command_id, started_us);
}

void ExecutionService::Poll(const Job& job, const std::string& command_id_in, int64_t started_us) {
  const std::optional<std::string> command_id = command_id_in;
  auto aws = aws_->Resolve(job.company_id);
  if (!aws.ok()) {
    Finish(job, "failed", json::array(), *command_id, "AWS credentials: " + aws.status().message(), started_us);
    return;
  }
  clients::SsmClient ssm(http_, aws->ssm, aws->credentials, ctx_->clock);
  const int64_t timeout_seconds = job.runbook.value("timeout_seconds", int64_t{600});
  const int64_t deadline_us = started_us + (timeout_seconds + options_.grace_seconds) * 1'000'000;
  const int64_t heartbeat_every_us = int64_t{options_.heartbeat_interval.count()} * 1'000'000;
  int64_t last_heartbeat_us = ctx_->clock->NowMicros();
  std::vector<std::string> instances = job.target.instance_ids;
  std::map<std::string, clients::SsmInvocation> state;
  std::string error;
  bool timed_out = false;
  bool stopped = false;
  int empty_listings = 0;
  for (;;) {
    if (instances.empty()) {
      auto listed = ssm.ListInvocationInstanceIds(*command_id);
      if (listed.ok()) {
        instances = *listed;
        // SSM lists a tag target's instances within seconds; none after several polls means none matched.
        if (instances.empty() && ++empty_listings >= kMaxEmptyListings) {
          error = "no instance matched the target tag:" + job.target.tag_key + " = " + job.target.tag_value;
          break;
        }
      } else if (!IsRetryable(listed.status())) {
        error = listed.status().message();
        break;
      }
    }
    bool all_done = !instances.empty();
    for (const auto& id : instances) {
      auto& inv = state[id];
      if (inv.instance_id.empty()) {
        inv.instance_id = id;
        inv.status = "Pending";
      }
      if (clients::IsTerminalSsmStatus(inv.status)) continue;
      auto got = ssm.GetCommandInvocation(*command_id, id);
      if (got.ok()) {
        inv = *got;
      } else if (!got.status().IsNotFound() && !IsRetryable(got.status())) {
        inv.status = "Failed";
        inv.status_details = got.status().message();
      }
      if (!clients::IsTerminalSsmStatus(inv.status)) all_done = false;
    }
    if (all_done) break;
    if (const int64_t now_us = ctx_->clock->NowMicros(); now_us - last_heartbeat_us >= heartbeat_every_us) {
      // A sign of life, so that crash recovery elsewhere leaves this run alone.
      store::UpdateRequest u;
      u.table = t::kApprovalRequests;
      u.key = {job.company_id + "#exec", job.incident_id + "#" + job.execution_id};
      u.condition.Equals("status", "running");
      u.Set("heartbeat_us", now_us);
      (void)ctx_->store->UpdateItem(u);
      last_heartbeat_us = now_us;
    }
    if (ctx_->clock->NowMicros() >= deadline_us) {
      timed_out = true;
      error = "no final status from SSM within timeout_seconds + " + std::to_string(options_.grace_seconds) +
              " s";
      break;
    }
    if (!WaitOrStop(options_.poll_interval)) {
      stopped = true;
      break;
    }
  }

  json results = json::array();
  const size_t share = std::max<size_t>(512, options_.max_output_bytes / std::max<size_t>(1, state.size()));
  bool truncated = false;
  std::string overall = "success";
  for (const auto& [id, inv] : state) {
    results.push_back({{"instance_id", id},
                       {"status", inv.status},
                       {"status_details", SafeText(inv.status_details, 512, nullptr)},
                       {"response_code", inv.response_code},
                       {"output", SafeText(inv.standard_output, share * 3 / 4, &truncated)},
                       {"error_output", SafeText(inv.standard_error, share / 4, &truncated)}});
    if (inv.status == "Failed" || inv.status == "Undeliverable" || inv.status == "Terminated") {
      overall = "failed";
    } else if (inv.status == "TimedOut" && overall != "failed") {
      overall = "timed_out";
    } else if (inv.status == "Cancelled" && overall == "success") {
      overall = "cancelled";
    } else if (!clients::IsTerminalSsmStatus(inv.status) && overall == "success") {
      overall = "timed_out";  // still running at our deadline
    }
  }
  if (!error.empty() && overall == "success") overall = timed_out ? "timed_out" : "failed";
  if (state.empty() && error.empty()) {
    overall = "failed";
    error = "no instance received the command";
  }
  if (stopped) {
    overall = "cancelled";
    error = "the server stopped while polling; SSM command " + *command_id +
            " may still be running on the instances";
  }
  Finish(job, overall, results, *command_id, error, started_us, truncated);
}

void ExecutionService::Finish(const Job& job, const std::string& status, const json& results,
                              const std::string& command_id, const std::string& error, int64_t started_us,
                              bool output_truncated) {
  const int64_t now_us = ctx_->clock->NowMicros();
  store::UpdateRequest u;
  u.table = t::kApprovalRequests;
  u.key = {job.company_id + "#exec", job.incident_id + "#" + job.execution_id};
  u.condition.Equals("status", "running");
  u.Set("status", status)
      .Set("results", results)
      .Set("finished_at", FormatIso8601Micros(now_us))
      .Set("duration_seconds", static_cast<double>(now_us - started_us) / 1e6)
      .Set("error", error.empty() ? json() : json(SafeText(error, 2000, nullptr)));
  if (!command_id.empty()) u.Set("command_id", command_id);
  if (output_truncated) u.Set("output_truncated", true);
  auto r = ctx_->store->UpdateItem(u);
  if (!r.ok()) {
    spdlog::error("runbook execution {}: recording the outcome {} failed: {}", job.execution_id, status,
                  r.status().message());
    return;
  }
  json view = View(*r);
  ctx_->events->Publish({"runbook_execution_updated", job.company_id, view, ""});
  AuditEntry e = AuditFor(SystemPrincipal(), job.company_id, "runbook_execution_finished",
                          "runbook_execution", job.execution_id);
  e.outcome = status == "success" ? "success" : "failure";
  e.details = {{"incident_id", job.incident_id},
               {"runbook_id", job.runbook.value("id", "")},
               {"status", status},
               {"command_id", command_id}};
  audit_->Record(e);
  if (status == "success") {
    spdlog::info("runbook execution {} succeeded (incident {}, company {})", job.execution_id,
                 job.incident_id, job.company_id);
  } else {
    spdlog::warn("runbook execution {} ended {} (incident {}, company {}, SSM command {}): {}",
                 job.execution_id, status, job.incident_id, job.company_id,
                 command_id.empty() ? "-" : command_id, error);
  }
  if (status != "success") return;
  try {
    if (!Settings(job.company_id).value("auto_resolve_on_runbook_success", false)) return;
    IncidentPatch patch;
    patch.status = "resolved";
    patch.resolution_notes = "Resolved automatically: runbook \"" + job.runbook.value("name", "") +
                             "\" succeeded (execution " + job.execution_id + ").";
    incidents_->Update(SystemPrincipal(), job.incident_id, patch);
  } catch (const ApiError& ex) {
    spdlog::info("runbook execution {}: incident {} not auto-resolved: {}", job.execution_id, job.incident_id,
                 ex.detail());
  }
}

}  // namespace aw::services
