#pragma once

// Every mutating API call (POST, PUT, DELETE) is audited: AddRoute wraps the
// handler so that its outcome - success, failure, or denied (401/403) - is
// written to the audit log with the caller, company, resource, ip and user
// agent. Webhook intake is not audited per call (the alerts are the record;
// its failures are in the access log) and sign-ins record their own events.

#include <string>

#include "http/api.h"
#include "services/identity/principal.h"

namespace aw::http {

void AddRoute(Router& router, const Services& s, std::string method, std::string pattern, Handler h);

// Called by RequireUser: the caller of the request this thread handles.
void NoteAuditPrincipal(const services::Principal& p);
// A handler may name the company / resource when the path does not.
void NoteAuditTarget(const std::string& company_id, const std::string& resource_id);

// "action" and "resource_type" for a route, e.g. ("incident_updated", "incident").
std::pair<std::string, std::string> AuditActionFor(const std::string& method, const std::string& pattern);

}  // namespace aw::http
