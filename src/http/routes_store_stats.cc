// GET /api/admin/store-stats: the store's own call counters, for operators
// and for the tests that prove no request path scans (DynamoDB: calls by
// operation since start), with the allocator's figures (base/malloc_stats.h).
// MSP admins only.

#include "base/errors.h"
#include "base/malloc_stats.h"
#include "http/api.h"
#include "http/api_util.h"
#include "http/audit_hook.h"

namespace aw::http {

void RegisterStoreStatsRoutes(Router& router, const Services& s) {
  auto* auth = s.auth;
  auto stats = s.store_stats;
  std::string kind = s.store_kind;
  AddRoute(router, s, "GET", "/api/admin/store-stats", [auth, stats, kind](Request& req) {
    auto p = RequireUser(req, *auth);
    services::RequireMspAdmin(p);
    nlohmann::json body = {{"store", kind}};
    if (stats) body.update(stats());
    // The process's heap, beside the store's caches (which live in it).
    body["malloc"] = MallocStatsJson(ReadMallocStats());
    return Response::Json(200, body);
  });
}

}  // namespace aw::http
