#include "http/router.h"

#include <stdexcept>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "base/errors.h"

namespace aw::http {
namespace {

using nlohmann::json;

Request Make(std::string method, std::string target) {
  Request r;
  r.method = std::move(method);
  r.target = std::move(target);
  r.path = r.target.substr(0, r.target.find('?'));
  r.request_id = "test-req";
  return r;
}

Handler Named(std::string name) {
  return [name](Request& req) {
    json params = json::object();
    for (const auto& [k, v] : req.path_params) params[k] = v;
    return Response::Json(200, {{"route", name}, {"params", params}});
  };
}

json Body(const Response& r) { return json::parse(r.body); }

std::string HeaderOf(const Response& r, const std::string& name) {
  for (const auto& [k, v] : r.headers) {
    if (k == name) return v;
  }
  return "";
}

class HttpRouterTest : public ::testing::Test {
 protected:
  void SetUp() override {
    router_.Add("GET", "/api/companies", Named("list"));
    router_.Add("POST", "/api/companies", Named("create"));
    router_.Add("GET", "/api/companies/{id}", Named("get"));
    router_.Add("PUT", "/api/companies/{id}", Named("put"));
    router_.Add("GET", "/api/companies/special", Named("special"));
    router_.Add("GET", "/api/companies/{id}/assets/{asset_id}", Named("asset"));
    router_.Add("GET", "/", Named("root"));
  }
  Response Run(std::string method, std::string target) {
    Request r = Make(std::move(method), std::move(target));
    return router_.Dispatch(r);
  }
  Router router_;
};

TEST_F(HttpRouterTest, MatchesLiteralRoutesByMethod) {
  EXPECT_EQ(Body(Run("GET", "/api/companies"))["route"], "list");
  EXPECT_EQ(Body(Run("POST", "/api/companies"))["route"], "create");
  EXPECT_EQ(Body(Run("GET", "/"))["route"], "root");
}

TEST_F(HttpRouterTest, ExtractsAndDecodesParameters) {
  json b = Body(Run("GET", "/api/companies/c%201/assets/a%2Fb"));
  EXPECT_EQ(b["route"], "asset");
  EXPECT_EQ(b["params"]["id"], "c 1");
  EXPECT_EQ(b["params"]["asset_id"], "a/b");  // an encoded slash stays inside its segment
}

TEST_F(HttpRouterTest, LiteralSegmentWinsOverParameter) {
  EXPECT_EQ(Body(Run("GET", "/api/companies/special"))["route"], "special");
  json b = Body(Run("GET", "/api/companies/other"));
  EXPECT_EQ(b["route"], "get");
  EXPECT_EQ(b["params"]["id"], "other");
}

TEST_F(HttpRouterTest, ParameterRouteServesMethodTheLiteralLacks) {
  json b = Body(Run("PUT", "/api/companies/special"));
  EXPECT_EQ(b["route"], "put");
  EXPECT_EQ(b["params"]["id"], "special");
}

TEST_F(HttpRouterTest, ToleratesTrailingSlashAndIgnoresQuery) {
  EXPECT_EQ(Body(Run("GET", "/api/companies/"))["route"], "list");
  EXPECT_EQ(Body(Run("GET", "/api/companies/x/?a=1"))["params"]["id"], "x");
  EXPECT_EQ(Body(Run("GET", "/api/companies?limit=5"))["route"], "list");
}

TEST_F(HttpRouterTest, UnknownPathIs404WithDetail) {
  Response r = Run("GET", "/api/nothing/here?x=1");
  EXPECT_EQ(r.status, 404u);
  EXPECT_EQ(r.content_type, "application/json");
  EXPECT_EQ(Body(r), json({{"detail", "Not found: /api/nothing/here"}, {"code", "not_found"}}));
  EXPECT_EQ(Run("GET", "/api/companies/x/assets").status, 404u);
  EXPECT_EQ(Run("GET", "/api//companies").status, 404u);
  EXPECT_EQ(Run("GET", "/api/companies/x/assets/y/z").status, 404u);
}

TEST_F(HttpRouterTest, WrongMethodIs405WithAllow) {
  Response r = Run("DELETE", "/api/companies");
  EXPECT_EQ(r.status, 405u);
  EXPECT_EQ(HeaderOf(r, "Allow"), "GET, POST");
  EXPECT_EQ(Body(r)["code"], "method_not_allowed");
  Response p = Run("POST", "/api/companies/abc");
  EXPECT_EQ(p.status, 405u);
  EXPECT_EQ(HeaderOf(p, "Allow"), "GET, PUT");
}

TEST_F(HttpRouterTest, HeadFallsBackToGet) {
  EXPECT_EQ(Body(Run("HEAD", "/api/companies"))["route"], "list");
}

TEST_F(HttpRouterTest, UsesPathWhenTargetIsEmpty) {
  Request r;
  r.method = "GET";
  r.path = "/api/companies/zz";
  EXPECT_EQ(Body(router_.Dispatch(r))["params"]["id"], "zz");
}

TEST_F(HttpRouterTest, MalformedPercentEncodingInParameterIs400) {
  Response r = Run("GET", "/api/companies/%zz");
  EXPECT_EQ(r.status, 400u);
  EXPECT_EQ(Body(r)["code"], "bad_request");
}

TEST(HttpRouterErrorsTest, HandlerErrorsAreMapped) {
  Router router;
  router.Add("GET", "/conflict", [](Request&) -> Response { Throw(ErrorKind::kConflict, "stale", "reload"); });
  router.Add("GET", "/boom", [](Request&) -> Response { throw std::runtime_error("db password is hunter2"); });
  router.Add("GET", "/json", [](Request&) -> Response { return Response::Json(200, json(1).get<std::string>()); });

  Request a = Make("GET", "/conflict");
  Response ra = router.Dispatch(a);
  EXPECT_EQ(ra.status, 409u);
  EXPECT_EQ(Body(ra), json({{"detail", "reload"}, {"code", "stale"}}));

  Request b = Make("GET", "/boom");
  Response rb = router.Dispatch(b);
  EXPECT_EQ(rb.status, 500u);
  EXPECT_EQ(Body(rb), json({{"detail", "internal error"}, {"code", "internal_error"}}));
  EXPECT_EQ(rb.body.find("hunter2"), std::string::npos);

  Request c = Make("GET", "/json");
  Response rc = router.Dispatch(c);
  EXPECT_EQ(rc.status, 400u);
  EXPECT_EQ(Body(rc)["code"], "bad_request");
}

TEST(HttpRouterAddTest, RejectsBadOrDuplicatePatterns) {
  Router router;
  router.Add("GET", "/a/{id}", Named("x"));
  EXPECT_THROW(router.Add("GET", "/a/{id}", Named("y")), std::logic_error);
  EXPECT_THROW(router.Add("GET", "/a/{other}/b", Named("y")), std::logic_error);
  EXPECT_THROW(router.Add("GET", "no-slash", Named("y")), std::logic_error);
  EXPECT_THROW(router.Add("GET", "/a/x{id}", Named("y")), std::logic_error);
  EXPECT_NO_THROW(router.Add("POST", "/a/{id}/", Named("z")));
}

}  // namespace
}  // namespace aw::http
