#include "base/errors.h"
#include "http/api.h"
#include "http/api_util.h"
#include "http/audit_hook.h"
#include "http/json_body.h"

namespace aw::http {

using nlohmann::json;

// Chat per company: anyone who may see the company reads and posts; the
// sender is the caller (any sender fields in the body are ignored).
void RegisterChatRoutes(Router& router, const Services& s) {
  auto* auth = s.auth;
  auto* chat = s.chat;
  AddRoute(router, s, "GET", "/api/chat/{company_id}", [auth, chat](Request& req) {
    auto p = RequireUser(req, *auth);
    auto pp = ReadPageParams(req);
    return ListResponse(chat->List(p, req.PathParam("company_id"), pp.limit, pp.cursor));
  });
  AddRoute(router, s, "POST", "/api/chat/{company_id}", Audit{"chat_created", "chat"},
           [auth, chat](Request& req) {
             auto p = RequireUser(req, *auth);
             // Tenant first (no read: the service checks existence), so a
             // caller of another company never gets a 422 about its body.
             services::RequireVisible(p, req.PathParam("company_id"));
             json body = ParseJsonObject(req);
             // Length is checked in characters by the service; this bounds the bytes.
             std::string text = RequiredString(body, "message", services::kMaxChatMessageChars * 4);
             json m = chat->Post(p, req.PathParam("company_id"), text);
             NoteAuditTarget(req, m.value("company_id", ""), m.value("id", ""));
             return Response::Json(201, m);
           });
  AddRoute(router, s, "PUT", "/api/chat/{company_id}/mark-read", Audit{"mark_read_updated", "mark_read"},
           [auth, chat](Request& req) {
             auto p = RequireUser(req, *auth);
             return Response::Json(200, chat->MarkRead(p, req.PathParam("company_id")));
           });
}

}  // namespace aw::http
