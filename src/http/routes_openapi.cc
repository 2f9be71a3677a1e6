// GET /api/openapi.json: an OpenAPI 3.0 document of every route the router
// holds, built from the router itself so it can never miss one. Bodies and
// query parameters are described in docs/api.md; this document gives the
// paths, methods, path parameters, and how each route authenticates.

#include <cctype>
#include <memory>
#include <nlohmann/json.hpp>
#include <set>
#include <string>

#include "http/api.h"
#include "http/webhook_intake.h"

namespace aw::http {

namespace {

using nlohmann::json;

// Routes that take no bearer token.
const std::set<std::string>& PublicRoutes() {
  static const std::set<std::string> kPublic = {
      "GET /api/health", "GET /api/ready", "POST /api/auth/login", "POST /api/auth/refresh", "POST /api/auth/logout",
      "GET /api/openapi.json"};
  return kPublic;
}

std::string Lower(std::string s) {
  for (auto& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

std::string OperationId(const std::string& method, const std::string& pattern) {
  std::string id = Lower(method);
  for (char c : pattern) {
    if (std::isalnum(static_cast<unsigned char>(c))) {
      id += c;
    } else if (!id.empty() && id.back() != '_') {
      id += '_';
    }
  }
  while (!id.empty() && id.back() == '_') id.pop_back();
  return id;
}

json BuildDocument(const std::vector<Router::RouteInfo>& routes, const std::string& version) {
  json paths = json::object();
  for (const auto& r : routes) {
    json op;
    op["operationId"] = OperationId(r.method, r.pattern);
    // Tag: the area after /api/ ("companies", "incidents", ...).
    std::string area = r.pattern.rfind("/api/", 0) == 0 ? r.pattern.substr(5) : r.pattern.substr(1);
    area = area.substr(0, area.find('/'));
    op["tags"] = json::array({area.empty() ? "root" : area});
    json params = json::array();
    for (size_t i = r.pattern.find('{'); i != std::string::npos; i = r.pattern.find('{', i + 1)) {
      size_t end = r.pattern.find('}', i);
      params.push_back({{"name", r.pattern.substr(i + 1, end - i - 1)},
                        {"in", "path"},
                        {"required", true},
                        {"schema", {{"type", "string"}}}});
    }
    if (!params.empty()) op["parameters"] = params;
    const std::string key = r.method + " " + r.pattern;
    if (IsApiKeyRoute(r.pattern)) {
      op["security"] = json::array({{{"apiKeyHeader", json::array()}}, {{"apiKeyQuery", json::array()}}});
      // The tool receivers also take the key as a bearer token (Prometheus' http_config).
      if (r.pattern != "/api/webhooks/alerts" && r.pattern != "/api/heartbeats/{heartbeat_id}/ping") {
        op["security"].push_back({{"apiKeyBearer", json::array()}});
      }
    } else if (PublicRoutes().count(key) != 0) {
      op["security"] = json::array();
    }
    json responses = {
        {"default",
         {{"description", "error"},
          {"content", {{"application/json", {{"schema", {{"$ref", "#/components/schemas/Error"}}}}}}}}}};
    responses["2XX"] = {{"description", "success"}};
    op["responses"] = responses;
    paths[r.pattern][Lower(r.method)] = op;
  }
  // The WebSocket upgrade is served outside the router.
  paths["/ws"]["get"] = {
      {"operationId", "get_ws"},
      {"tags", json::array({"ws"})},
      {"description", "WebSocket upgrade for live events; token in the query or first message"},
      {"security", json::array()},
      {"responses",
       {{"101", {{"description", "switching protocols"}}},
        {"401", {{"description", "missing or invalid token"}}}}}};
  return {
      {"openapi", "3.0.3"},
      {"info",
       {{"title", "Alert Whisperer API"},
        {"version", version},
        {"description",
         "Every route of this server. Bodies, query parameters and error codes: docs/api.md."}}},
      {"paths", paths},
      {"security", json::array({{{"bearerAuth", json::array()}}})},
      {"components",
       {{"securitySchemes",
         {{"bearerAuth", {{"type", "http"}, {"scheme", "bearer"}, {"bearerFormat", "JWT"}}},
          {"apiKeyHeader", {{"type", "apiKey"}, {"in", "header"}, {"name", "X-API-Key"}}},
          {"apiKeyQuery", {{"type", "apiKey"}, {"in", "query"}, {"name", "api_key"}}},
          // The company API key as a bearer token (Prometheus/Alertmanager http_config).
          {"apiKeyBearer", {{"type", "http"}, {"scheme", "bearer"}}}}},
        {"schemas",
         {{"Error",
           {{"type", "object"},
            {"required", json::array({"detail", "code"})},
            {"properties", {{"detail", {{"type", "string"}}}, {"code", {{"type", "string"}}}}}}}}}}},
  };
}

}  // namespace

void RegisterOpenApiRoute(Router& router, const Services& s) {
  // Registered last: the document covers every route added before it, and itself.
  std::vector<Router::RouteInfo> routes = router.Routes();
  routes.push_back({"GET", "/api/openapi.json", ""});
  auto doc = std::make_shared<const std::string>(BuildDocument(routes, s.version).dump());
  router.Add("GET", "/api/openapi.json", [doc](Request&) {
    Response r;
    r.status = 200;
    r.content_type = "application/json";
    r.body = *doc;
    return r;
  });
}

}  // namespace aw::http
