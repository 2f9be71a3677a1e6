#include "http/audit_hook.h"

#include <optional>

#include <nlohmann/json.hpp>

#include "base/errors.h"
#include "http/error_mapping.h"
#include "http/webhook_intake.h"

namespace aw::http {

namespace {

struct AuditScope {
  std::optional<services::Principal> principal;
  std::string company_id;
  std::string resource_id;
};

thread_local AuditScope tls_scope;

std::string Singular(std::string s) {
  if (s == "companies") return "company";
  if (s.size() > 1 && s.back() == 's') s.pop_back();
  for (char& c : s) {
    if (c == '-') c = '_';
  }
  return s;
}

}  // namespace

void NoteAuditPrincipal(const services::Principal& p) { tls_scope.principal = p; }

void NoteAuditTarget(const std::string& company_id, const std::string& resource_id) {
  if (!company_id.empty()) tls_scope.company_id = company_id;
  if (!resource_id.empty()) tls_scope.resource_id = resource_id;
}

std::pair<std::string, std::string> AuditActionFor(const std::string& method, const std::string& pattern) {
  // Segments without the /api prefix and parameters: /api/companies/{id}/assets/{asset_id} -> companies, assets
  std::vector<std::string> words;
  size_t i = 0;
  while (i < pattern.size()) {
    size_t j = pattern.find('/', i + 1);
    std::string seg = pattern.substr(i + 1, j == std::string::npos ? std::string::npos : j - i - 1);
    if (!seg.empty() && seg != "api" && seg.front() != '{') words.push_back(seg);
    if (j == std::string::npos) break;
    i = j;
  }
  if (words.empty()) return {method, "unknown"};
  const std::string last = words.back();
  const bool ends_with_param = !pattern.empty() && pattern.back() == '}';
  // Verb-like last segments (POST /api/incidents/{id}/acknowledge) name the action.
  if (method == "POST" && !ends_with_param && words.size() >= 2 && last != "assets" && last != "users" &&
      last != "on-call-schedules" && last != "runbooks") {
    std::string resource = Singular(words[words.size() - 2]);
    if (words.size() >= 3 && (resource == "enable" || resource == "disable" || resource == "webhook_security")) {
      resource = Singular(words[words.size() - 2]);
    }
    std::string verb = last;
    for (char& c : verb) {
      if (c == '-') c = '_';
    }
    return {resource + "." + verb, resource};
  }
  std::string resource = Singular(last);
  if (ends_with_param) resource = Singular(words.back());
  const char* suffix = method == "POST" ? "created" : method == "PUT" ? "updated" : "deleted";
  return {resource + "_" + suffix, resource};
}

void AddRoute(Router& router, const Services& s, std::string method, std::string pattern, Handler h) {
  // Webhook intake is not audited: its alerts are the record (docs/api.md).
  const bool audited = method != "GET" && s.audit != nullptr && !IsApiKeyRoute(pattern) &&
                       pattern != "/api/auth/login";
  if (!audited) {
    router.Add(std::move(method), std::move(pattern), std::move(h));
    return;
  }
  auto [action, resource_type] = AuditActionFor(method, pattern);
  services::AuditService* audit = s.audit;
  const bool company_route = pattern.rfind("/api/companies/{id}", 0) == 0;
  router.Add(method, pattern, [=, h = std::move(h)](Request& req) {
    tls_scope = AuditScope{};
    services::AuditEntry e;
    e.action = action;
    e.resource_type = resource_type;
    e.ip = req.remote_ip;
    e.user_agent = std::string(req.Header("User-Agent"));
    e.request_id = req.request_id;
    auto finish = [&](int status, const nlohmann::json* body) {
      if (tls_scope.principal) {
        e.user_id = tls_scope.principal->user_id;
        e.user_email = tls_scope.principal->email;
        e.user_role = services::RoleName(tls_scope.principal->role);
      }
      e.company_id = tls_scope.company_id;
      if (e.company_id.empty()) e.company_id = req.PathParam("company_id");
      if (e.company_id.empty() && company_route) e.company_id = req.PathParam("id");
      if (e.company_id.empty() && body && body->is_object()) e.company_id = body->value("company_id", "");
      e.resource_id = tls_scope.resource_id;
      if (e.resource_id.empty()) e.resource_id = req.PathParam("asset_id");
      if (e.resource_id.empty()) e.resource_id = req.PathParam("id");
      if (e.resource_id.empty() && body && body->is_object()) e.resource_id = body->value("id", "");
      e.status = status;
      // Never log a principal-less denial into a company partition the
      // caller named: unauthenticated callers land in the MSP partition.
      if (!tls_scope.principal && status == 401) e.company_id.clear();
      audit->Record(e);
      tls_scope = AuditScope{};
    };
    try {
      Response resp = h(req);
      nlohmann::json body = nlohmann::json::parse(resp.body, nullptr, false);
      e.outcome = resp.status < 400 ? "success" : "failure";
      finish(static_cast<int>(resp.status), body.is_discarded() ? nullptr : &body);
      return resp;
    } catch (const ApiError& err) {
      unsigned status = StatusForKind(err.kind());
      e.outcome = (status == 401 || status == 403) ? "denied" : "failure";
      e.details = {{"code", err.code()}, {"detail", status == 500 ? "internal error" : err.detail()}};
      finish(static_cast<int>(status), nullptr);
      throw;
    } catch (...) {
      e.outcome = "failure";
      finish(500, nullptr);
      throw;
    }
  });
}

}  // namespace aw::http
