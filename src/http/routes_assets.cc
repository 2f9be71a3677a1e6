#include "base/errors.h"
#include "base/json_fields.h"
#include "http/api.h"
#include "http/api_util.h"
#include "http/audit_hook.h"
#include "http/json_body.h"

namespace aw::http {

using nlohmann::json;

namespace {

json AssetFields(const json& body, bool create) {
  RejectUnknownFields(body, {"name", "type", "os", "is_critical", "tags"});
  json f = json::object();
  if (create) f["name"] = RequiredString(body, "name", 256);
  if (auto v = OptionalString(body, "type", 64)) f["type"] = *v;
  if (auto v = OptionalString(body, "os", 128)) f["os"] = *v;
  if (auto v = OptionalBool(body, "is_critical")) f["is_critical"] = *v;
  f["tags"] = StringList(body, "tags", 50);
  if (!body.contains("tags")) f.erase("tags");
  if (!create && body.contains("name"))
    ThrowInvalidField("name", "cannot be changed: it is what senders use");
  return f;
}

}  // namespace

void RegisterAssetRoutes(Router& router, const Services& s) {
  auto* auth = s.auth;
  auto* assets = s.assets;
  auto* companies = s.companies;
  auto visible = [companies](const services::Principal& p, const std::string& cid) {
    services::RequireVisibleCompany(companies, p, cid);
  };
  AddRoute(router, s, "GET", "/api/companies/{id}/assets", [auth, assets, visible](Request& req) {
    auto p = RequireUser(req, *auth);
    visible(p, req.PathParam("id"));
    auto pp = ReadPageParams(req);
    return ListResponse(assets->List(req.PathParam("id"), pp.limit, pp.cursor));
  });
  AddRoute(router, s, "POST", "/api/companies/{id}/assets", Audit{"asset_created", "asset"},
           [auth, assets, visible](Request& req) {
             auto p = RequireUser(req, *auth);
             visible(p, req.PathParam("id"));
             services::RequireCompanyAdmin(p, req.PathParam("id"));
             json created = assets->Create(req.PathParam("id"), AssetFields(ParseJsonObject(req), true));
             NoteAuditTarget(req, "", created.value("id", ""));
             return Response::Json(201, created);
           });
  AddRoute(router, s, "PUT", "/api/companies/{id}/assets/{asset_id}", Audit{"asset_updated", "asset"},
           [auth, assets, visible](Request& req) {
             auto p = RequireUser(req, *auth);
             visible(p, req.PathParam("id"));
             services::RequireCompanyAdmin(p, req.PathParam("id"));
             return Response::Json(200, assets->Update(req.PathParam("id"), req.PathParam("asset_id"),
                                                       AssetFields(ParseJsonObject(req), false)));
           });
  AddRoute(router, s, "DELETE", "/api/companies/{id}/assets/{asset_id}", Audit{"asset_deleted", "asset"},
           [auth, assets, visible](Request& req) {
             auto p = RequireUser(req, *auth);
             visible(p, req.PathParam("id"));
             services::RequireCompanyAdmin(p, req.PathParam("id"));
             assets->Delete(req.PathParam("id"), req.PathParam("asset_id"));
             return Response::NoContent();
           });
}

}  // namespace aw::http
