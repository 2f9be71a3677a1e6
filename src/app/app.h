#pragma once

// Wiring: opens the store and the secrets, builds the services. Used by
// every CLI verb so `serve`, `seed` and `user add` see the same data.

#include <memory>
#include <string>

#include "app/config.h"
#include "base/clock.h"
#include "crypto/secret_box.h"
#include "services/ai/analysis_service.h"
#include "services/intake/alert_service.h"
#include "services/intake/intake_pipeline.h"
#include "services/runbooks/approval_service.h"
#include "services/intake/asset_service.h"
#include "services/audit_service.h"
#include "services/identity/auth_service.h"
#include "services/runbooks/aws_credentials_service.h"
#include "services/runbooks/execution_service.h"
#include "services/runbooks/runbook_service.h"
#include "services/response/chat_service.h"
#include "services/event_hub.h"
#include "services/response/mailer.h"
#include "services/response/notification_service.h"
#include "services/identity/company_service.h"
#include "services/config_service.h"
#include "services/context.h"
#include "services/incidents/incident_service.h"
#include "services/intake/intake_service.h"
#include "services/noise/heartbeat_service.h"
#include "services/kpi_service.h"
#include "services/noise/noise_service.h"
#include "services/response/sla_worker.h"
#include "services/intake/sns_verifier.h"
#include "services/identity/user_service.h"
#include "services/intake/webhook_guard.h"
#include "store/metered_store.h"
#include "store/store.h"

namespace aw::app {

class App {
 public:
  // Opens everything; a non-OK status is one sentence for the operator.
  static Result<std::unique_ptr<App>> Open(const Config& config);
  ~App();

  const Config& config() const { return config_; }
  // Every call counted and timed (store/metered_store.h).
  store::Store* store() { return store_.get(); }
  // The backend behind store(): RocksStore or DynamoStore (their own statistics).
  store::Store* backend_store() { return static_cast<store::MeteredStore*>(store_.get())->backend(); }
  services::Context* context() { return &ctx_; }
  services::UserService* users() { return users_.get(); }
  services::CompanyService* companies() { return companies_.get(); }
  services::AuthService* auth() { return auth_.get(); }
  services::AlertService* alerts() { return alerts_.get(); }
  services::IntakePipeline* intake() { return intake_.get(); }
  // Answers every alert still in the intake pipeline (shutdown, after the
  // HTTP server stopped). Idempotent.
  void StopIntake() {
    if (intake_) intake_->Stop();
  }
  services::ConfigService* configs() { return configs_.get(); }
  services::KpiService* kpis() { return kpis_.get(); }
  services::AssetService* assets() { return assets_.get(); }
  services::IncidentService* incidents() { return incidents_.get(); }
  services::WebhookSecurityService* webhook_security() { return webhook_security_.get(); }
  services::RateLimiter* rate_limiter() { return rate_limiter_.get(); }
  services::IntakeService* tool_intake() { return tool_intake_.get(); }
  services::AuditService* audit() { return audit_.get(); }
  services::SnsVerifier* sns() { return sns_.get(); }  // CloudWatch via SNS
  services::EventHub* events() { return events_.get(); }
  services::Mailer* mailer() { return mailer_.get(); }  // null: email not configured
  services::NotificationService* notifications() { return notifications_.get(); }
  services::ChatService* chat() { return chat_.get(); }
  services::OnCallService* oncall() { return oncall_.get(); }
  services::SlaService* sla() { return sla_.get(); }
  services::NoiseService* noise() { return noise_.get(); }
  services::HeartbeatService* heartbeats() { return heartbeats_.get(); }
  services::EscalationService* escalation() { return escalation_.get(); }
  services::IncidentResponseWorker* incident_worker() { return incident_worker_.get(); }
  services::ai::AnalysisService* analysis() { return analysis_.get(); }
  services::RunbookService* runbooks() { return runbooks_.get(); }
  services::ApprovalService* approvals() { return approvals_.get(); }
  services::AwsCredentialsService* aws_credentials() { return aws_credentials_.get(); }
  services::ExecutionService* executions() { return executions_.get(); }

  // Creates the 11 tables (idempotent).
  Status CreateTables();

 private:
  explicit App(Config config) : config_(std::move(config)) {}
  Status LoadSecrets();
  Status LockDataDir();
  Status OpenNotifications();  // app_notifications.cc

  Config config_;
  // Declared first, so released last: after every service and the store.
  struct DirLock {
    int fd = -1;
    ~DirLock();
  } lock_;
  std::unique_ptr<store::Store> store_;
  std::unique_ptr<crypto::SecretBox> secrets_;
  services::Context ctx_;
  std::unique_ptr<services::UserService> users_;
  std::unique_ptr<services::CompanyService> companies_;
  std::unique_ptr<services::AuthService> auth_;
  std::unique_ptr<services::ConfigService> configs_;
  // Silences, maintenance, inhibition; before the services that use it
  // (destroyed after them).
  std::unique_ptr<services::NoiseService> noise_;
  std::unique_ptr<services::KpiService> kpis_;
  std::unique_ptr<services::AssetService> assets_;
  std::unique_ptr<services::IncidentService> incidents_;
  std::unique_ptr<services::AlertService> alerts_;
  std::unique_ptr<services::IntakePipeline> intake_;  // embedded store only
  std::unique_ptr<services::HeartbeatService> heartbeats_;
  std::unique_ptr<services::WebhookSecurityService> webhook_security_;
  std::unique_ptr<services::RateLimiter> rate_limiter_;
  std::unique_ptr<services::IntakeService> tool_intake_;  // monitoring-tool receivers
  std::unique_ptr<services::AuditService> audit_;
  std::unique_ptr<services::SnsVerifier> sns_;
  // Live events and notifications: before the incident-response services,
  // so they outlive everything that publishes or notifies.
  std::unique_ptr<services::EventHub> events_;
  std::unique_ptr<services::Mailer> mailer_;
  std::unique_ptr<services::NotificationService> notifications_;
  std::unique_ptr<services::ChatService> chat_;
  // Incident response (SLA, on-call, escalation); the worker last, so it stops first.
  std::unique_ptr<Clock> test_clock_;  // AW_TEST_CLOCK_OFFSET_SECONDS (tests only)
  std::unique_ptr<services::OnCallService> oncall_;
  std::unique_ptr<services::SlaService> sla_;
  std::unique_ptr<services::EscalationService> escalation_;
  std::unique_ptr<services::IncidentResponseWorker> incident_worker_;
  std::unique_ptr<services::ai::AnalysisService> analysis_;
  // Runbooks; the executor and the expiry worker are stopped by serve and by ~App.
  std::unique_ptr<services::RunbookService> runbooks_;
  std::unique_ptr<services::ApprovalService> approvals_;
  std::unique_ptr<services::AwsCredentialsService> aws_credentials_;
  std::unique_ptr<services::ExecutionService> executions_;
};

// Reads `path` or, when it does not exist, creates it with `n` random bytes
// (mode 0600). Error names the file.
Result<std::string> ReadOrCreateKeyFile(const std::string& path, size_t n);

}  // namespace aw::app
