#include <gtest/gtest.h>

#include <cstddef>
#include <map>
#include <set>
#include <stdexcept>
#include <string>

#include "http/api.h"
#include "http/audit_hook.h"
#include "http/router.h"
#include "services/intake/alert_service.h"

namespace aw::http {
namespace {

Handler Ok() {
  return [](Request&) { return Response::Json(200, nlohmann::json::object()); };
}

template <class T>
T* Unwired() {
  alignas(std::max_align_t) static unsigned char never_used[1];
  return reinterpret_cast<T*>(never_used);
}

TEST(HttpAuditHookTest, UndeclaredAuditedRouteFailsAtRegistration) {
  Router router;
  Services s;
  try {
    AddRoute(router, s, "POST", "/api/companies/{id}/widgets", Ok());
    FAIL() << "an audited route without Audit{} was registered";
  } catch (const std::logic_error& e) {
    EXPECT_NE(std::string(e.what()).find("POST /api/companies/{id}/widgets"), std::string::npos) << e.what();
  }
  EXPECT_THROW(AddRoute(router, s, "DELETE", "/api/widgets/{id}", Ok()), std::logic_error);
  EXPECT_THROW(AddRoute(router, s, "PUT", "/api/widgets/{id}", Audit{"", "widget"}, Ok()), std::logic_error);
  EXPECT_TRUE(router.Routes().empty());
}

TEST(HttpAuditHookTest, ExemptAndReadRoutesNeedNoDeclaration) {
  Router router;
  Services s;
  EXPECT_NO_THROW(AddRoute(router, s, "GET", "/api/widgets", Ok()));
  EXPECT_NO_THROW(AddRoute(router, s, "POST", "/api/auth/login", Ok()));
  EXPECT_NO_THROW(AddRoute(router, s, "POST", "/api/webhooks/widgets", Ok()));
  EXPECT_NO_THROW(AddRoute(router, s, "POST", "/api/widgets", Audit{"widget_created", "widget"}, Ok()));
  ASSERT_EQ(router.Routes().size(), 4u);
  EXPECT_EQ(router.Routes()[0].audit_action, "");
  EXPECT_EQ(router.Routes()[3].audit_action, "widget_created");
}

// The whole API registers (so every audited route declares its action,
// AddRoute throwing otherwise), and the only mutating routes that are not
// audited are the named exemptions.
TEST(HttpAuditHookTest, EveryMutatingRouteIsAuditedOrANamedExemption) {
  Router router;
  // Registration only captures the services, but for asking the alert
  // service whether intake is pipelined (an unwired one: it is not).
  services::AlertService alerts(nullptr, nullptr, nullptr, nullptr);
  Services s;
  s.alerts = &alerts;
  // Groups that register only when their service is wired get a non-null
  // address that registration merely captures (never called here).
  s.analysis = Unwired<services::ai::AnalysisService>();
  s.noise = Unwired<services::NoiseService>();
  s.heartbeats = Unwired<services::HeartbeatService>();
  s.oncall = Unwired<services::OnCallService>();
  s.sla = Unwired<services::SlaService>();
  s.escalation = Unwired<services::EscalationService>();
  ASSERT_NO_THROW(RegisterRoutes(router, s));
  // The route groups RegisterRoutes adds only when their service is wired.
  ASSERT_NO_THROW(RegisterNotificationRoutes(router, s));
  ASSERT_NO_THROW(RegisterChatRoutes(router, s));
  ASSERT_NO_THROW(RegisterRunbookRoutes(router, s));
  ASSERT_NO_THROW(RegisterApprovalRoutes(router, s));
  ASSERT_NO_THROW(RegisterExecutionRoutes(router, s));
  ASSERT_NO_THROW(RegisterCloudWatchRoutes(router, s));
  const std::set<std::string> exempt_exact = {"POST /api/auth/login", "POST /api/v2/alerts",
                                              "POST /v2/enqueue", "POST /api/heartbeats/{heartbeat_id}/ping"};
  size_t audited = 0;
  size_t exempt = 0;
  for (const auto& r : router.Routes()) {
    if (r.method == "GET" || r.method == "HEAD" || r.method == "OPTIONS") continue;
    const std::string key = r.method + " " + r.pattern;
    if (IsAuditedRoute(r.method, r.pattern)) {
      EXPECT_FALSE(r.audit_action.empty()) << key << " is audited but declares no action";
      ++audited;
      continue;
    }
    EXPECT_TRUE(r.audit_action.empty()) << key;
    ++exempt;
    EXPECT_TRUE(exempt_exact.count(key) || r.pattern.rfind("/api/webhooks/", 0) == 0)
        << key << " is not audited";
  }
  EXPECT_EQ(audited, 53u);  // every POST/PUT/DELETE in routes_*.cc but the exemptions
  std::map<std::string, std::string> declared;
  for (const auto& r : router.Routes()) declared[r.method + " " + r.pattern] = r.audit_action;
  EXPECT_EQ(declared["POST /api/incidents/{id}/acknowledge"], "incident.acknowledge");
  EXPECT_EQ(declared["POST /api/companies"], "company_created");
  EXPECT_EQ(declared["DELETE /api/companies/{id}/assets/{asset_id}"], "asset_deleted");
  EXPECT_EQ(declared["POST /api/runbooks/global-library/{template_id}/copy"], "global_library.copy");
  EXPECT_EQ(declared["PUT /api/notifications/{id}/read"], "read_updated");
  EXPECT_GE(exempt, 2u);
}

}  // namespace
}  // namespace aw::http
