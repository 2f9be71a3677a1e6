#include "base/errors.h"
#include "http/api.h"
#include "http/api_util.h"
#include "http/audit_hook.h"
#include "http/json_body.h"

namespace aw::http {

using nlohmann::json;

namespace {

bool QueryBool(const Request& req, const char* name) {
  auto v = req.QueryParam(name);
  if (!v || v->empty()) return false;
  if (*v == "true" || *v == "1" || *v == "yes") return true;
  if (*v == "false" || *v == "0" || *v == "no") return false;
  ThrowInvalidField(name, "must be true or false");
}

}  // namespace

// The caller's own notifications; another user's id is a 404.
void RegisterNotificationRoutes(Router& router, const Services& s) {
  auto* auth = s.auth;
  auto* notes = s.notifications;
  AddRoute(router, s, "GET", "/api/notifications", [auth, notes](Request& req) {
    auto p = RequireUser(req, *auth);
    auto pp = ReadPageParams(req);
    bool unread_only = QueryBool(req, "unread_only");
    return ListResponse(notes->List(p, pp.limit, unread_only, pp.cursor));
  });
  AddRoute(router, s, "GET", "/api/notifications/unread-count", [auth, notes](Request& req) {
    auto p = RequireUser(req, *auth);
    int n = notes->UnreadCount(p);
    return Response::Json(200, json{{"unread_count", n}, {"count", n}});
  });
  AddRoute(router, s, "PUT", "/api/notifications/{id}/read", Audit{"read_updated", "read"},
           [auth, notes](Request& req) {
             auto p = RequireUser(req, *auth);
             json n = notes->MarkRead(p, req.PathParam("id"));
             NoteAuditTarget(req, n.value("company_id", ""), n.value("id", ""));
             return Response::Json(200, n);
           });
  AddRoute(router, s, "PUT", "/api/notifications/mark-all-read",
           Audit{"mark_all_read_updated", "mark_all_read"}, [auth, notes](Request& req) {
             auto p = RequireUser(req, *auth);
             NoteAuditTarget(req, "", p.user_id);
             int n = notes->MarkAllRead(p);
             return Response::Json(200, json{{"marked_read", n}});
           });
}

}  // namespace aw::http
