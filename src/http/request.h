#pragma once

// Request and Response: the plain values that handlers see. No Beast or Asio
// types here, so handler files compile quickly.
//
// A Request is filled by the server (or by a test) and handed to exactly one
// handler on one thread (a worker, or the network thread for an inline
// route); it is not shared, so it needs no locking.

#include <functional>
#include <nlohmann/json_fwd.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

namespace aw::http {

struct Request {
  std::string method;  // "GET", "POST", ... as received (case-sensitive, per RFC 9110)
  std::string path;    // percent-decoded path, no query string
  std::string target;  // raw target as received
  std::string body;
  std::string remote_ip;
  std::string request_id;                                    // the X-Request-ID this request is answered with
  std::vector<std::pair<std::string, std::string>> headers;  // as received, in order
  std::vector<std::pair<std::string, std::string>> query;    // decoded query params, in order
  std::unordered_map<std::string, std::string> path_params;  // filled by the router
  // The pattern of the route that matched (e.g. "/api/incidents/{id}"), set
  // by Router::Dispatch; "" when none did. Points into the router: a bounded
  // label for metrics (http/http_metrics.h), never the raw path.
  std::string_view route;
  // Set by the server for routes added with Router::AddInline, whose handler
  // runs on the network thread and must not block. Such a handler may return
  // Response::Deferred() and answer later, exactly once, from any thread,
  // through `respond_later`; `run_blocking` runs work that may block on a
  // worker thread. Both are empty when the handler runs elsewhere (tests,
  // other routes).
  std::function<void(struct Response)> respond_later;
  std::function<void(std::function<void()>)> run_blocking;
  // What the audit hook (http/audit_hook.h) records for a mutating route
  // beyond the path: the caller, set by RequireUser, and the company /
  // resource a handler names when the path does not (creations). mutable:
  // both are written through the const Request& those helpers receive.
  struct AuditNote {
    bool has_principal = false;
    std::string user_id;
    std::string user_email;
    std::string user_role;
    std::string company_id;
    std::string resource_id;
  };
  mutable AuditNote audit;

  // Value of the first header named `name` (ASCII case-insensitive); "" if absent.
  // The view is valid as long as `headers` is not modified.
  std::string_view Header(std::string_view name) const;
  bool HasHeader(std::string_view name) const;
  // First occurrence of the decoded query parameter `name`; nullopt if absent.
  std::optional<std::string> QueryParam(std::string_view name) const;
  // Decoded value of the path parameter `{name}`; "" if absent.
  const std::string& PathParam(const std::string& name) const;
};

struct Response {
  unsigned status = 200;
  std::string body;
  // Sent as Content-Type unless empty.
  std::string content_type = "application/json";
  // Extra headers. The server owns Content-Length, Connection, Date,
  // Transfer-Encoding and X-Request-ID: handler values for those are ignored.
  // A header whose name or value holds CR, LF or NUL is dropped.
  std::vector<std::pair<std::string, std::string>> headers;
  // The "code" of an error answer built by http/error_mapping.h; "" otherwise
  // (a label of the intake rejection metric).
  std::string error_code;

  // `body` serialised compactly; invalid UTF-8 is replaced, never thrown.
  static Response Json(unsigned status, const nlohmann::json& body);
  // 204, empty body.
  static Response NoContent();
  // The handler answers later through Request::respond_later.
  static Response Deferred() {
    Response r;
    r.status = 0;
    return r;
  }
  bool deferred() const { return status == 0; }
};

// Runs on a worker thread and may block (store writes), except on an inline
// route (Router::AddInline). May throw aw::ApiError
// (mapped by http/error_mapping.h) or anything else (500, logged).
using Handler = std::function<Response(Request&)>;

// ASCII case-insensitive comparison (header names, tokens).
bool EqualsIgnoreCase(std::string_view a, std::string_view b);

// Percent-decodes `in` ('+' becomes a space when `plus_is_space`). Returns
// nullopt when a '%' is not followed by two hex digits.
std::optional<std::string> PercentDecode(std::string_view in, bool plus_is_space);

// Splits and decodes a query string ("a=1&b=x%20y"; no leading '?').
// Returns false on malformed percent-encoding.
bool ParseQueryString(std::string_view qs, std::vector<std::pair<std::string, std::string>>* out);

// Fills r.path (percent-decoded) and r.query from r.target, after reducing
// an absolute-form target ("http://host/p?q") to origin-form ("/p?q") in
// r.target. Returns false when the path does not start with '/' or its
// percent-encoding (or the query's) is malformed.
bool ParseTarget(Request& r);

}  // namespace aw::http
