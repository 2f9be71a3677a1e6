#pragma once

// Router: maps (method, path) to a Handler.
//
// Patterns are absolute paths whose segments are literals or `{name}`
// parameters: "/api/companies/{id}/assets/{asset_id}". At each segment a
// literal match wins over a parameter. Path parameters are percent-decoded
// segment by segment (so "%2F" inside a parameter stays in that parameter).
// One trailing slash on the request path is tolerated. HEAD falls back to the
// GET handler when no HEAD handler exists (the server drops the body).
//
// Dispatch results:
//   - no pattern matches the path       -> the fallback's answer (SetFallback), else
//                                          404 {"detail":"Not found: <path>","code":"not_found"}
//   - a pattern matches, method doesn't -> 405 with an `Allow` header
//   - otherwise the handler's Response; anything it throws is mapped by
//     http/error_mapping.h (so tests see exactly what a client would).
//
// Thread safety: Add() is not thread-safe and must finish before the server
// starts; Dispatch() is const and safe from any number of threads.

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "http/request.h"

namespace aw::http {

class Router {
 public:
  Router();
  ~Router();
  Router(const Router&) = delete;
  Router& operator=(const Router&) = delete;

  // REQUIRES: `pattern` starts with '/', each `{name}` is a whole segment,
  // and (method, pattern) was not added before (std::logic_error otherwise).
  void Add(std::string method, std::string pattern, Handler h);
  // As Add, for a route whose calls are audited as `audit_action` (listed by Routes()).
  void Add(std::string method, std::string pattern, std::string audit_action, Handler h);
  // As Add, for a literal pattern (no parameters) whose handler runs on the
  // network thread (see Request::respond_later): it must not block.
  void AddInline(std::string method, std::string pattern, Handler h);
  // Whether `req` (method and decoded path) goes to an AddInline route.
  bool RunsInline(const Request& req) const;

  // Matches req.target's path (or req.path when target is empty), fills
  // req.path_params and runs the handler. Never throws.
  Response Dispatch(Request& req) const;

  struct RouteInfo {
    std::string method;
    std::string pattern;
    std::string audit_action;  // declared by http/audit_hook.h's AddRoute; "" if not audited
  };
  // Answers requests whose path matches no pattern (e.g. the web UI's files
  // and deep links, http/static_assets.h); nullopt: the usual JSON 404.
  // Set before the server starts.
  using Fallback = std::function<std::optional<Response>(Request&)>;
  void SetFallback(Fallback f) { fallback_ = std::move(f); }

  // Every route added, in the order added (for the OpenAPI document).
  const std::vector<RouteInfo>& Routes() const { return routes_; }

 private:
  struct Node;
  struct MatchState;
  static const Node* Match(size_t i, const Node* node, MatchState* st);
  std::unique_ptr<Node> root_;
  std::vector<RouteInfo> routes_;
  std::vector<std::pair<std::string, std::string>> inline_;  // (method, path)
  Fallback fallback_;
};

}  // namespace aw::http
