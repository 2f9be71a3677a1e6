#pragma once

// Runbook executions: risk-gated start (core/runbook_policy.h), approval
// hand-off, the run itself through AWS Systems Manager on a small background
// executor, the record of every run, decisions (which runbook, or which kind
// of technician) and automatic runs of low-risk runbooks for new incidents.
//
// Records (docs/data-model.md, "Runbook executions"): table ApprovalRequests,
// partition "<company_id>#exec", sort key "<incident_id>#<execution_id>"
// (newest last, so an incident's executions are one Query), plus a locator
// ("_loc#<tail>", execution_id) -> owner, incident_id. Status:
// pending -> running -> success | failed | timed_out | cancelled.
//
// Threads: requests call Execute/Approve/List/Get/Decide; runs happen on
// `worker_threads` executor threads started by Start() and stopped by Stop()
// (runs still polling are recorded as cancelled, with the SSM command id, as
// the command itself may still be running on the instances). The incident
// listener only enqueues work. Thread-safe; request methods throw ApiError.

#include <chrono>
#include <condition_variable>
#include <deque>
#include <functional>
#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "clients/http_client.h"
#include "services/approval_service.h"
#include "services/audit_service.h"
#include "services/aws_credentials_service.h"
#include "services/config_service.h"
#include "services/context.h"
#include "services/incident_service.h"
#include "services/page.h"
#include "services/principal.h"
#include "services/runbook_service.h"

namespace aw::services {

struct ExecutionOptions {
  int worker_threads = 2;
  std::chrono::milliseconds poll_interval{2000};  // GetCommandInvocation polling
  size_t max_output_bytes = 24 * 1024;            // output kept per execution, all instances together
  int64_t grace_seconds = 60;                     // local deadline = timeout_seconds + grace
};

struct ExecuteResult {
  int http_status = 202;
  nlohmann::json body;
};

class ExecutionService {
 public:
  ExecutionService(Context* ctx, IncidentService* incidents, RunbookService* runbooks,
                   ApprovalService* approvals, AwsCredentialsService* aws, ConfigService* configs,
                   AuditService* audit, const clients::HttpClient* http, ExecutionOptions options = {});
  ~ExecutionService();

  // POST /api/incidents/{id}/execute-runbook. Either starts the run
  // ({"action": "executing", "execution": ...}) or files an approval request
  // ({"action": "approval_requested", "approval_request": ...}); both 202.
  ExecuteResult Execute(const Principal& p, const std::string& incident_id, const std::string& runbook_id,
                        const std::optional<RunbookTarget>& target_override);
  // Approves the request and starts its execution: {"approval_request", "execution"}.
  nlohmann::json ApproveAndRun(const Principal& p, const std::string& approval_id, const std::string& notes);

  Page ListForIncident(const Principal& p, const std::string& incident_id, int limit,
                       const std::string& cursor);
  nlohmann::json Get(const Principal& p, const std::string& execution_id);

  // POST /api/incidents/{id}/decide.
  nlohmann::json Decide(const Principal& p, const std::string& incident_id);

  // CompanyConfigs "runbook_settings": auto_execute_low_risk, auto_resolve_on_runbook_success.
  nlohmann::json SettingsView(const std::string& company_id);
  nlohmann::json PutSettings(const std::string& company_id, const nlohmann::json& body);

  // IncidentService listener: enqueues the auto-execution check for incident_created.
  void OnIncidentEvent(const std::string& type, const nlohmann::json& incident);

  void Start();
  void Stop();
  // Tests: waits until no run is queued or running (false on timeout).
  bool WaitIdle(std::chrono::milliseconds timeout);

  static nlohmann::json View(const nlohmann::json& item);

 private:
  struct Job {
    std::string company_id;
    std::string incident_id;
    std::string execution_id;
    nlohmann::json runbook;
    RunbookTarget target;
  };

  // Writes the record (running) and queues the run. Audited as runbook_executed.
  nlohmann::json StartExecution(const Principal& starter, const nlohmann::json& incident,
                                const nlohmann::json& runbook, const RunbookTarget& target,
                                const nlohmann::json& approval);
  void Enqueue(std::function<void()> fn);
  void WorkerLoop();
  void Run(const Job& job);  // execution_service_run.cc
  void Finish(const Job& job, const std::string& status, const nlohmann::json& results,
              const std::string& command_id, const std::string& error, int64_t started_us);
  bool WaitOrStop(std::chrono::milliseconds d);  // false when stopping
  void AutoExecute(const nlohmann::json& incident);
  nlohmann::json Settings(const std::string& company_id);
  // Runbooks of the company that fit the incident, best first, with scores.
  std::vector<std::pair<int, nlohmann::json>> Candidates(const nlohmann::json& incident);

  Context* ctx_;
  IncidentService* incidents_;
  RunbookService* runbooks_;
  ApprovalService* approvals_;
  AwsCredentialsService* aws_;
  ConfigService* configs_;
  AuditService* audit_;
  const clients::HttpClient* http_;
  ExecutionOptions options_;

  std::mutex mu_;
  std::condition_variable cv_;       // work queued / stopping
  std::condition_variable idle_cv_;  // a job finished
  std::condition_variable stop_cv_;  // stopping (wakes pollers)
  std::deque<std::function<void()>> queue_;
  int active_ = 0;
  bool stopping_ = false;
  std::vector<std::thread> workers_;
};

}  // namespace aw::services
