#pragma once

// The REST API: registers every /api route on a Router. Handlers are thin:
// parse and validate, call one service method, serialise.

#include <string>

#include "http/router.h"
#include "services/alert_service.h"
#include "services/asset_service.h"
#include "services/audit_service.h"
#include "services/auth_service.h"
#include "services/company_service.h"
#include "services/incident_service.h"
#include "services/kpi_service.h"
#include "services/user_service.h"
#include "services/webhook_guard.h"

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
  services::AuditService* audit = nullptr;
  std::string store_kind;  // "sqlite" | "dynamodb", shown by /api/health
  std::string version;
};

void RegisterRoutes(Router& router, const Services& s);

// Split by area; each registers its routes.
void RegisterHealthRoutes(Router& router, const Services& s);
void RegisterAuthRoutes(Router& router, const Services& s);
void RegisterUserRoutes(Router& router, const Services& s);
void RegisterCompanyRoutes(Router& router, const Services& s);
void RegisterAlertRoutes(Router& router, const Services& s);
void RegisterIncidentRoutes(Router& router, const Services& s);
void RegisterAssetRoutes(Router& router, const Services& s);
void RegisterWebhookConfigRoutes(Router& router, const Services& s);
void RegisterAuditRoutes(Router& router, const Services& s);
// GET /api/openapi.json, built from the routes added before it: call last.
void RegisterOpenApiRoute(Router& router, const Services& s);

// Every company id the caller may see (all of them for MSP admins).
std::vector<std::string> VisibleCompanyIds(services::CompanyService* companies, const services::Principal& p);

}  // namespace aw::http
