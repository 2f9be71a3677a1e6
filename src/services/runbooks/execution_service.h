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
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "clients/http_client.h"
#include "services/runbooks/approval_service.h"
#include "services/audit_service.h"
#include "services/runbooks/aws_credentials_service.h"
#include "services/config_service.h"
#include "services/context.h"
#include "services/periodic_task.h"
#include "services/incidents/incident_service.h"
#include "services/page.h"
#include "services/identity/principal.h"
#include "services/runbooks/runbook_service.h"

namespace aw::services {

struct ExecutionOptions {
  int worker_threads = 2;
  std::chrono::milliseconds poll_interval{2000};  // GetCommandInvocation polling
  size_t max_output_bytes = 24 * 1024;            // output kept per execution, all instances together
  int64_t grace_seconds = 60;                     // local deadline = timeout_seconds + grace
  // Crash recovery (execution_service_recover.cc). A polling run writes
  // heartbeat_us every `heartbeat_interval`; a pending/running record whose
  // last sign of life is older than `orphan_after` belongs to no live process.
  std::chrono::seconds heartbeat_interval{30};
  std::chrono::seconds orphan_after{120};
  // Sweeps after the one at Start(); 0 = only at start-up.
  std::chrono::seconds recovery_interval{300};
  // An approved request whose execution never started is started only within
  // this time of its approval (later, a remediation is no longer wanted
  // unseen: it is marked with execution_error instead).
  std::chrono::seconds approval_start_window{900};
  // The store is used by this process alone (the embedded store holds a lock on the data
  // directory): at Start() every pending/running record is orphaned at once.
  bool exclusive_store = false;
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

  // Start() also starts the recovery PeriodicTask: one Recover(true) at
  // once, then Recover(false) every recovery_interval.
  void Start();
  void Stop();
  // Finds, without a Scan (companies through the directory-index, then one
  // Query per company of its executions and of its approval requests), runs
  // left unfinished by a crash and approved requests without an execution,
  // and resolves them: a record with an SSM command id is polled again to
  // its end (or timed_out past its deadline); a pending one is run; a running
  // one without a command id is marked failed (whether SSM got the command is
  // unknown); an approved request gets its execution started under the
  // execution id the approval reserved. Each is claimed first with a
  // conditional write, so of two replicas only one takes it. `at_start`:
  // with exclusive_store, every unfinished record counts as orphaned. Returns
  // how many were taken over. Never throws (logs).
  int Recover(bool at_start);
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
  // `exec_id`: "" = a new id; else the id reserved by the approval, and the
  // record is written only if absent (nullopt returned when it already was:
  // someone else started it).
  std::optional<nlohmann::json> StartExecution(const Principal& starter, const nlohmann::json& incident,
                                               const nlohmann::json& runbook, const RunbookTarget& target,
                                               const nlohmann::json& approval, const std::string& exec_id = "");
  // Starts the execution of an approved request (its reserved id); nullopt
  // with *why when the incident or runbook is gone or it already started.
  std::optional<nlohmann::json> StartApproved(const nlohmann::json& approval, std::string* why);
  // Notes execution_error on a request whose execution will not start.
  nlohmann::json MarkNotStarted(const nlohmann::json& approval, const std::string& why);
  void Enqueue(std::function<void()> fn);
  void WorkerLoop();
  void Run(const Job& job);  // execution_service_run.cc
  // Polls an SSM command already sent (a run, or a recovered one) to its end.
  void Poll(const Job& job, const std::string& command_id, int64_t started_us);
  // Recovery (execution_service_recover.cc).
  int RecoverExecutions(const std::string& company_id, bool at_start);
  int RecoverApprovals(const std::string& company_id);
  bool Orphaned(const nlohmann::json& record, bool at_start) const;
  // Records the outcome in one write (a reader never sees the final status
  // without the rest of the outcome).
  void Finish(const Job& job, const std::string& status, const nlohmann::json& results,
              const std::string& command_id, const std::string& error, int64_t started_us,
              bool output_truncated = false);
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
  std::unique_ptr<PeriodicTask> recovery_;
  int64_t start_us_ = 0;  // when Start() ran (recovery at start-up)
};

}  // namespace aw::services
