// GET /api/admin/store-stats: the store's own call counters, for operators
// and for the tests that prove no request path scans (DynamoDB: calls by
// operation since start). MSP admins only.

#include "base/errors.h"
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
    return Response::Json(200, body);
  });
}

}  // namespace aw::http
