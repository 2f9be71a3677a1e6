#pragma once

// The REST API: registers every /api route on a Router. Handlers are thin:
// parse and validate, call one service method, serialise.

#include <functional>
#include <string>

#include "http/router.h"
#include "services/readiness.h"
#include "services/ai/analysis_service.h"
#include "services/identity/tenant_scope.h"
#include "services/intake/alert_service.h"
#include "services/runbooks/approval_service.h"
#include "services/intake/asset_service.h"
#include "services/audit_service.h"
#include "services/identity/auth_service.h"
#include "services/runbooks/aws_credentials_service.h"
#include "services/response/chat_service.h"
#include "services/identity/company_service.h"
#include "services/response/escalation_service.h"
#include "services/runbooks/execution_service.h"
#include "services/incidents/incident_service.h"
#include "services/intake/intake_service.h"
#include "services/noise/heartbeat_service.h"
#include "services/kpi_service.h"
#include "services/noise/noise_service.h"
#include "services/response/notification_service.h"
#include "services/response/oncall_service.h"
#include "services/runbooks/runbook_service.h"
#include "services/response/sla_service.h"
#include "services/intake/sns_verifier.h"
#include "services/identity/user_service.h"
#include "services/intake/webhook_guard.h"

namespace aw::http {

struct Services {
  services::AuthService* auth = nullptr;
  services::UserService* users = nullptr;
  services::CompanyService* companies = nullptr;
  services::AlertService* alerts = nullptr;
  services::IncidentService* incidents = nullptr;
  services::AssetService* assets = nullptr;
  services::KpiService* kpis = nullptr;
  services::WebhookSecurityService* webhook_security = nullptr;
  services::RateLimiter* rate_limiter = nullptr;
  services::IntakeService* tool_intake = nullptr;  // monitoring-tool receivers (routes_intake.cc)
  services::AuditService* audit = nullptr;
  services::NotificationService* notifications = nullptr;
  services::ChatService* chat = nullptr;
  services::SlaService* sla = nullptr;                // SLA config/status/report (routes_sla.cc)
  services::OnCallService* oncall = nullptr;          // on-call schedules (routes_oncall.cc)
  services::EscalationService* escalation = nullptr;  // escalation policy (routes_sla.cc)
  services::NoiseService* noise = nullptr;            // silences, maintenance, inhibition (routes_noise.cc)
  services::HeartbeatService* heartbeats = nullptr;   // heartbeats (routes_noise.cc)
  services::ai::AnalysisService* analysis = nullptr;  // POST /api/incidents/{id}/analyze
  services::RunbookService* runbooks = nullptr;             // routes_runbooks.cc
  services::ApprovalService* approvals = nullptr;           // routes_approvals.cc
  services::ExecutionService* executions = nullptr;         // routes_executions.cc
  services::AwsCredentialsService* aws_credentials = nullptr;  // routes_runbooks.cc
  services::SnsVerifier* sns = nullptr;  // POST /api/webhooks/cloudwatch (routes_cloudwatch.cc)
  std::string store_kind;  // "sqlite" | "rocksdb" | "dynamodb", shown by /api/health
  int refresh_token_days = 30;  // lifetime of the web UI's refresh cookie
  // Store call counters for GET /api/admin/store-stats (DynamoDB: calls by
  // operation); empty function: the store keeps none.
  std::function<nlohmann::json()> store_stats;
  // GET /api/ready (services/readiness.h); empty function: always ready.
  std::function<services::Readiness()> readiness;
  std::string version;
};

void RegisterRoutes(Router& router, const Services& s);

// Split by area; each registers its routes.
void RegisterHealthRoutes(Router& router, const Services& s);
void RegisterAuthRoutes(Router& router, const Services& s);
void RegisterUserRoutes(Router& router, const Services& s);
void RegisterCompanyRoutes(Router& router, const Services& s);
void RegisterAlertRoutes(Router& router, const Services& s);
// Alertmanager, Prometheus, Grafana, PagerDuty, Datadog, Zabbix payloads (routes_intake.cc).
void RegisterIntakeRoutes(Router& router, const Services& s);
void RegisterIncidentRoutes(Router& router, const Services& s);
void RegisterAssetRoutes(Router& router, const Services& s);
void RegisterWebhookConfigRoutes(Router& router, const Services& s);
void RegisterAuditRoutes(Router& router, const Services& s);
void RegisterStoreStatsRoutes(Router& router, const Services& s);  // routes_store_stats.cc
// GET /api/openapi.json, built from the routes added before it: call last.
void RegisterOpenApiRoute(Router& router, const Services& s);
void RegisterNotificationRoutes(Router& router, const Services& s);
void RegisterChatRoutes(Router& router, const Services& s);
void RegisterSlaRoutes(Router& router, const Services& s);
void RegisterOnCallRoutes(Router& router, const Services& s);
void RegisterAnalysisRoutes(Router& router, const Services& s);
void RegisterRunbookRoutes(Router& router, const Services& s);
void RegisterApprovalRoutes(Router& router, const Services& s);
void RegisterExecutionRoutes(Router& router, const Services& s);
void RegisterCloudWatchRoutes(Router& router, const Services& s);  // routes_cloudwatch.cc
void RegisterNoiseRoutes(Router& router, const Services& s);  // routes_noise.cc


}  // namespace aw::http
