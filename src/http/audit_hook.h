#pragma once

// Every mutating API call (POST, PUT, DELETE) is audited: AddRoute wraps the
// handler so that its outcome - success, failure, or denied (401/403) - is
// written to the audit log with the caller, company, resource, ip and user
// agent. Each audited route declares its action and resource type where it
// is registered (Audit{...}); registering one without a declaration throws.
// Webhook intake is not audited per call (the alerts are the record; its
// failures are in the access log) and sign-ins record their own events.

#include <string>

#include "http/api.h"
#include "services/identity/principal.h"

namespace aw::http {

// The audit entry's "action" (e.g. "incident.acknowledge", "asset_created")
// and "resource_type" (e.g. "incident") for one route.
struct Audit {
  std::string action;
  std::string resource_type;
};

// True for routes whose calls are audited: every non-GET route except the
// API-key / webhook routes and POST /api/auth/login.
bool IsAuditedRoute(const std::string& method, const std::string& pattern);

// An audited route: `h` wrapped so that each call is recorded as `audit`.
void AddRoute(Router& router, const Services& s, std::string method, std::string pattern, Audit audit,
              Handler h);
// A route that is not audited; throws std::logic_error (naming the route)
// when IsAuditedRoute says it must declare an Audit.
void AddRoute(Router& router, const Services& s, std::string method, std::string pattern, Handler h);

// Called by RequireUser: the caller of `req`.
void NoteAuditPrincipal(const Request& req, const services::Principal& p);
// A handler names the company / resource of `req` when the path does not;
// empty arguments leave what was noted before.
void NoteAuditTarget(const Request& req, const std::string& company_id, const std::string& resource_id);

}  // namespace aw::http
