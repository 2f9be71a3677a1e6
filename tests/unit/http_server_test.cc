// A real Server on 127.0.0.1:<any port>, driven by a plain socket client.

#include "http/server.h"

#include <memory>
#include <stdexcept>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>
#include <spdlog/sinks/ringbuffer_sink.h>
#include <spdlog/spdlog.h>

#include "base/errors.h"
#include "http_test_client.h"

namespace aw::http {
namespace {

using nlohmann::json;
using testing::Get;
using testing::Post;
using testing::TestClient;

bool IsHex32(const std::string& s) {
  return s.size() == 32 && s.find_first_not_of("0123456789abcdef") == std::string::npos;
}

class HttpServerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto echo = [](Request& req) {
      json query = json::object();
      for (const auto& [k, v] : req.query) query[k] = v;
      return Response::Json(200, {{"method", req.method},
                                  {"path", req.path},
                                  {"id", req.PathParam("id")},
                                  {"query", query},
                                  {"body", req.body},
                                  {"request_id", req.request_id},
                                  {"current_request_id", std::string(CurrentRequestId())},
                                  {"remote_ip", req.remote_ip},
                                  {"x_test", std::string(req.Header("x-test"))}});
    };
    router_.Add("GET", "/echo/{id}", echo);
    router_.Add("POST", "/echo", echo);
    router_.Add("GET", "/limited", [](Request&) -> Response {
      Throw(ErrorKind::kTooManyRequests, "rate_limited", "slow down", 7);
    });
    router_.Add("GET", "/boom", [](Request&) -> Response { throw std::runtime_error("secret-password-xyz"); });
    router_.Add("GET", "/headers", [](Request&) {
      Response r = Response::Json(200, json::object());
      r.headers.emplace_back("X-Custom", "yes");
      r.headers.emplace_back("X-Evil", "a\r\nSet-Cookie: pwned=1");
      r.headers.emplace_back("Content-Length", "999");
      return r;
    });
    router_.Add("DELETE", "/thing", [](Request&) { return Response::NoContent(); });
  }

  void StartServer(ServerOptions opts = {}) {
    opts.address = "127.0.0.1";
    opts.port = 0;
    opts.worker_threads = 4;
    server_ = std::make_unique<Server>(opts, &router_);
    Status s = server_->Start();
    ASSERT_TRUE(s.ok()) << s.ToString();
    ASSERT_NE(server_->port(), 0);
  }

  uint16_t port() const { return server_->port(); }

  Router router_;
  std::unique_ptr<Server> server_;
};

TEST_F(HttpServerTest, KeepAliveServesSeveralRequestsOnOneConnection) {
  StartServer();
  TestClient c(port());
  ASSERT_TRUE(c.connected());
  auto r1 = c.Request(Get("/echo/one"));
  ASSERT_TRUE(r1);
  EXPECT_EQ(r1->status, 200);
  EXPECT_EQ(json::parse(r1->body)["id"], "one");
  EXPECT_EQ(r1->Header("connection"), "");
  auto r2 = c.Request(Get("/echo/two"));
  ASSERT_TRUE(r2);
  EXPECT_EQ(json::parse(r2->body)["id"], "two");

  // Pipelined: two requests in one write, answered in order.
  ASSERT_TRUE(c.Send(Get("/echo/three") + Post("/echo", R"({"n":4})")));
  auto r3 = c.Read();
  auto r4 = c.Read();
  ASSERT_TRUE(r3 && r4);
  EXPECT_EQ(json::parse(r3->body)["id"], "three");
  EXPECT_EQ(json::parse(r4->body)["body"], R"({"n":4})");
}

TEST_F(HttpServerTest, RequestFieldsAreDecoded) {
  StartServer();
  TestClient c(port());
  auto r = c.Request(Get("/echo/a%20b?q=x%2By&flag&name=J+Doe", "X-Test: hello\r\n"));
  ASSERT_TRUE(r);
  ASSERT_EQ(r->status, 200);
  json b = json::parse(r->body);
  EXPECT_EQ(b["method"], "GET");
  EXPECT_EQ(b["path"], "/echo/a b");
  EXPECT_EQ(b["id"], "a b");
  EXPECT_EQ(b["query"], json({{"q", "x+y"}, {"flag", ""}, {"name", "J Doe"}}));
  EXPECT_EQ(b["x_test"], "hello");
  EXPECT_EQ(b["remote_ip"], "127.0.0.1");
  EXPECT_EQ(b["current_request_id"], b["request_id"]);
  EXPECT_EQ(r->Header("content-type"), "application/json");
  EXPECT_FALSE(r->Header("date").empty());
}

TEST_F(HttpServerTest, ChunkedBodyIsAssembled) {
  StartServer();
  TestClient c(port());
  auto r = c.Request(
      "POST /echo HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n"
      "4\r\nabcd\r\n3\r\nefg\r\n0\r\n\r\n");
  ASSERT_TRUE(r);
  EXPECT_EQ(json::parse(r->body)["body"], "abcdefg");
}

TEST_F(HttpServerTest, ApiErrorBecomesMappedJson) {
  StartServer();
  TestClient c(port());
  auto r = c.Request(Get("/limited"));
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 429);
  EXPECT_EQ(r->Header("retry-after"), "7");
  EXPECT_EQ(json::parse(r->body), json({{"detail", "slow down"}, {"code", "rate_limited"}}));
  // The connection survives an error response.
  auto again = c.Request(Get("/echo/x"));
  ASSERT_TRUE(again);
  EXPECT_EQ(again->status, 200);
}

TEST_F(HttpServerTest, UnknownRouteIs404AndWrongMethod405) {
  StartServer();
  TestClient c(port());
  auto r = c.Request(Get("/nope?api_key=1"));
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 404);
  EXPECT_EQ(json::parse(r->body), json({{"detail", "Not found: /nope"}, {"code", "not_found"}}));
  auto m = c.Request(Post("/echo/x", "{}"));
  ASSERT_TRUE(m);
  EXPECT_EQ(m->status, 405);
  EXPECT_EQ(m->Header("allow"), "GET");
}

TEST_F(HttpServerTest, HandlerExceptionIs500AndOnlyTheLogSeesIt) {
  auto sink = std::make_shared<spdlog::sinks::ringbuffer_sink_mt>(64);
  auto previous = spdlog::default_logger();
  spdlog::set_default_logger(std::make_shared<spdlog::logger>("http_test", sink));
  StartServer();
  std::string rid, rid2;
  {
    TestClient c(port());
    auto r = c.Request(Get("/boom", "X-Request-ID: boom-1\r\n"));
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, 500);
    EXPECT_EQ(json::parse(r->body), json({{"detail", "internal error"}, {"code", "internal_error"}}));
    EXPECT_EQ(r->body.find("secret"), std::string::npos);
    auto q = c.Request(Get("/echo/x?api_key=SUPERSECRETKEY"));
    ASSERT_TRUE(q);
    rid2 = q->Header("x-request-id");
  }
  server_->Stop();
  std::vector<std::string> lines = sink->last_formatted();
  spdlog::set_default_logger(previous);

  bool logged_exception = false, logged_access = false;
  for (const auto& line : lines) {
    EXPECT_EQ(line.find("SUPERSECRETKEY"), std::string::npos) << line;
    if (line.find("secret-password-xyz") != std::string::npos && line.find("boom-1") != std::string::npos) {
      logged_exception = true;
    }
    if (line.find(rid2) != std::string::npos && line.find("GET /echo/x 200") != std::string::npos) {
      logged_access = true;
    }
  }
  EXPECT_TRUE(logged_exception);
  EXPECT_TRUE(logged_access);
}

TEST_F(HttpServerTest, RequestIdIsEchoedWhenValidElseGenerated) {
  StartServer();
  TestClient c(port());
  auto echoed = c.Request(Get("/echo/x", "X-Request-ID: abc-123_X.y\r\n"));
  ASSERT_TRUE(echoed);
  EXPECT_EQ(echoed->Header("x-request-id"), "abc-123_X.y");
  EXPECT_EQ(json::parse(echoed->body)["request_id"], "abc-123_X.y");

  for (std::string bad : {std::string("has space"), std::string(65, 'a'), std::string("semi;colon")}) {
    auto r = c.Request(Get("/echo/x", "X-Request-ID: " + bad + "\r\n"));
    ASSERT_TRUE(r);
    EXPECT_TRUE(IsHex32(r->Header("x-request-id"))) << r->Header("x-request-id");
  }
  auto a = c.Request(Get("/echo/x"));
  auto b = c.Request(Get("/nope"));
  ASSERT_TRUE(a && b);
  EXPECT_TRUE(IsHex32(a->Header("x-request-id")));
  EXPECT_TRUE(IsHex32(b->Header("x-request-id")));
  EXPECT_NE(a->Header("x-request-id"), b->Header("x-request-id"));
}

TEST_F(HttpServerTest, Http10ClosesUnlessKeepAliveAsked) {
  StartServer();
  {
    TestClient c(port());
    auto r = c.Request("GET /echo/old HTTP/1.0\r\n\r\n");
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, 200);
    EXPECT_EQ(r->Header("connection"), "close");
    EXPECT_TRUE(c.ReadsEof());
  }
  TestClient k(port());
  auto r = k.Request("GET /echo/old HTTP/1.0\r\nConnection: keep-alive\r\n\r\n");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->Header("connection"), "keep-alive");
  auto again = k.Request("GET /echo/again HTTP/1.0\r\nConnection: keep-alive\r\n\r\n");
  ASSERT_TRUE(again);
  EXPECT_EQ(json::parse(again->body)["id"], "again");
}

TEST_F(HttpServerTest, ClientConnectionCloseIsHonoured) {
  StartServer();
  TestClient c(port());
  auto r = c.Request(Get("/echo/x", "Connection: close\r\n"));
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(r->Header("connection"), "close");
  EXPECT_TRUE(c.ReadsEof());
}

TEST_F(HttpServerTest, Expect100ContinueGetsTheGoAhead) {
  StartServer();
  TestClient c(port());
  ASSERT_TRUE(c.Send("POST /echo HTTP/1.1\r\nHost: t\r\nContent-Length: 5\r\nExpect: 100-continue\r\n\r\n"));
  auto cont = c.Read();
  ASSERT_TRUE(cont);
  EXPECT_EQ(cont->status, 100);
  ASSERT_TRUE(c.Send("hello"));
  auto r = c.Read();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(json::parse(r->body)["body"], "hello");
}

TEST_F(HttpServerTest, HeadAndNoContentHaveNoBody) {
  StartServer();
  TestClient c(port());
  c.set_head_only(true);
  auto h = c.Request("HEAD /echo/x HTTP/1.1\r\nHost: t\r\n\r\n");
  ASSERT_TRUE(h);
  EXPECT_EQ(h->status, 200);
  EXPECT_NE(h->Header("content-length"), "0");
  c.set_head_only(false);
  auto d = c.Request("DELETE /thing HTTP/1.1\r\nHost: t\r\n\r\n");
  ASSERT_TRUE(d);
  EXPECT_EQ(d->status, 204);
  EXPECT_EQ(d->Header("content-length"), "");
  auto next = c.Request(Get("/echo/after"));  // framing intact after both
  ASSERT_TRUE(next);
  EXPECT_EQ(json::parse(next->body)["id"], "after");
}

TEST_F(HttpServerTest, HandlerHeadersAreSanitised) {
  StartServer();
  TestClient c(port());
  auto r = c.Request(Get("/headers"));
  ASSERT_TRUE(r);
  EXPECT_EQ(r->Header("x-custom"), "yes");
  EXPECT_EQ(r->Header("x-evil"), "");
  EXPECT_EQ(r->Header("set-cookie"), "");
  EXPECT_EQ(r->Header("content-length"), "2");
  EXPECT_EQ(r->body, "{}");
}

TEST_F(HttpServerTest, MalformedTargetIs400ButKeepsConnection) {
  StartServer();
  TestClient c(port());
  auto r = c.Request(Get("/echo/%zz"));
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 400);
  EXPECT_EQ(json::parse(r->body)["code"], "bad_request");
  auto ok = c.Request(Get("/echo/fine"));
  ASSERT_TRUE(ok);
  EXPECT_EQ(ok->status, 200);
}

TEST_F(HttpServerTest, AbsoluteFormTargetIsRouted) {
  StartServer();
  TestClient c(port());
  auto r = c.Request(Get("http://example.com/echo/abs?x=1"));
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(json::parse(r->body)["id"], "abs");
}

TEST_F(HttpServerTest, StartFailsNamingTheBusyAddress) {
  StartServer();
  ServerOptions opts;
  opts.address = "127.0.0.1";
  opts.port = port();
  Server second(opts, &router_);
  Status s = second.Start();
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.message().find("127.0.0.1:" + std::to_string(port())), std::string::npos) << s.message();

  opts.address = "not-an-address";
  Server third(opts, &router_);
  EXPECT_FALSE(third.Start().ok());
}

}  // namespace
}  // namespace aw::http
