#include "http/audit_hook.h"

#include <nlohmann/json.hpp>
#include <stdexcept>

#include "base/errors.h"
#include "http/error_mapping.h"
#include "http/webhook_intake.h"

namespace aw::http {

void NoteAuditPrincipal(const Request& req, const services::Principal& p) {
  req.audit.has_principal = true;
  req.audit.user_id = p.user_id;
  req.audit.user_email = p.email;
  req.audit.user_role = services::RoleName(p.role);
}

void NoteAuditTarget(const Request& req, const std::string& company_id, const std::string& resource_id) {
  if (!company_id.empty()) req.audit.company_id = company_id;
  if (!resource_id.empty()) req.audit.resource_id = resource_id;
}

bool IsAuditedRoute(const std::string& method, const std::string& pattern) {
  // Webhook intake is not audited: its alerts are the record (docs/api.md).
  return method != "GET" && !IsApiKeyRoute(pattern) && pattern != "/api/auth/login";
}

void AddRoute(Router& router, const Services&, std::string method, std::string pattern, Handler h) {
  if (IsAuditedRoute(method, pattern)) {
    throw std::logic_error("route " + method + " " + pattern +
                           " is audited and must declare Audit{action, resource_type}");
  }
  router.Add(std::move(method), std::move(pattern), std::move(h));
}

void AddRoute(Router& router, const Services& s, std::string method, std::string pattern, Audit audit,
              Handler h) {
  if (audit.action.empty() || audit.resource_type.empty()) {
    throw std::logic_error("route " + method + " " + pattern +
                           " declares an empty audit action or resource type");
  }
  if (s.audit == nullptr) {
    router.Add(std::move(method), std::move(pattern), audit.action, std::move(h));
    return;
  }
  services::AuditService* audit_service = s.audit;
  const bool company_route = pattern.rfind("/api/companies/{id}", 0) == 0;
  router.Add(method, pattern, audit.action, [=, h = std::move(h)](Request& req) {
    req.audit = Request::AuditNote{};
    services::AuditEntry e;
    e.action = audit.action;
    e.resource_type = audit.resource_type;
    e.ip = req.remote_ip;
    e.user_agent = std::string(req.Header("User-Agent"));
    e.request_id = req.request_id;
    auto finish = [&](int status) {
      const Request::AuditNote& note = req.audit;
      if (note.has_principal) {
        e.user_id = note.user_id;
        e.user_email = note.user_email;
        e.user_role = note.user_role;
      }
      e.company_id = note.company_id;
      if (e.company_id.empty()) e.company_id = req.PathParam("company_id");
      if (e.company_id.empty() && company_route) e.company_id = req.PathParam("id");
      e.resource_id = note.resource_id;
      if (e.resource_id.empty()) e.resource_id = req.PathParam("asset_id");
      if (e.resource_id.empty()) e.resource_id = req.PathParam("id");
      e.status = status;
      // Never log a principal-less denial into a company partition the
      // caller named: unauthenticated callers land in the MSP partition.
      if (!note.has_principal && status == 401) e.company_id.clear();
      audit_service->Record(e);
    };
    try {
      Response resp = h(req);
      e.outcome = resp.status < 400 ? "success" : "failure";
      finish(static_cast<int>(resp.status));
      return resp;
    } catch (const ApiError& err) {
      unsigned status = StatusForKind(err.kind());
      e.outcome = (status == 401 || status == 403) ? "denied" : "failure";
      e.details = {{"code", err.code()}, {"detail", status == 500 ? "internal error" : err.detail()}};
      finish(static_cast<int>(status));
      throw;
    } catch (...) {
      e.outcome = "failure";
      finish(500);
      throw;
    }
  });
}

}  // namespace aw::http
