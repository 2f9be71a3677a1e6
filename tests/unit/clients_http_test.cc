// clients::HttpClient and the AWS call helpers against a real local Server.

#include "clients/http_client.h"

#include <atomic>
#include <memory>
#include <set>
#include <thread>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "clients/aws_call.h"
#include "http/server.h"

namespace aw::clients {
namespace {

using nlohmann::json;

class HttpClientTest : public ::testing::Test {
 protected:
  void SetUp() override {
    router_.Add("POST", "/echo", [this](http::Request& req) {
      json headers = json::object();
      for (const auto& name : {"host", "x-amz-date", "x-amz-target", "authorization", "content-type",
                               "x-amz-security-token"}) {
        headers[name] = std::string(req.Header(name));
      }
      remotes_.fetch_add(1);
      return http::Response::Json(200, {{"body", req.body}, {"headers", headers}, {"method", req.method}});
    });
    router_.Add("GET", "/fail", [](http::Request&) {
      return http::Response::Json(400, {{"__type", "com.amazonaws.dynamodb.v20120810#ResourceNotFoundException"},
                                        {"message", "Requested resource not found"}});
    });
    http::ServerOptions opts;
    opts.address = "127.0.0.1";
    opts.port = 0;
    opts.worker_threads = 2;
    server_ = std::make_unique<http::Server>(opts, &router_);
    ASSERT_TRUE(server_->Start().ok());
    base_ = "http://127.0.0.1:" + std::to_string(server_->port());
  }

  http::Router router_;
  std::unique_ptr<http::Server> server_;
  std::string base_;
  std::atomic<int> remotes_{0};
};

TEST_F(HttpClientTest, PostsBodyAndHeadersAndReadsTheResponse) {
  HttpClient client;
  HttpRequest req;
  req.method = "POST";
  req.url = base_ + "/echo";
  req.headers = {{"Content-Type", "application/json"}};
  req.body = R"({"a":1})";
  auto r = client.Send(req);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->status, 200);
  auto j = json::parse(r->body);
  EXPECT_EQ(j["body"], R"({"a":1})");
  EXPECT_EQ(j["headers"]["content-type"], "application/json");
  EXPECT_FALSE(r->Header("X-REQUEST-ID").empty());  // case-insensitive lookup
}

TEST_F(HttpClientTest, ErrorStatusesAreResponsesAndAwsErrorsParse) {
  HttpClient client;
  auto r = client.Send({"GET", base_ + "/fail", {}, "", 2000, 1000});
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->status, 400);
  AwsError e = ParseAwsError(*r);
  EXPECT_EQ(e.type, "ResourceNotFoundException");
  EXPECT_EQ(e.message, "Requested resource not found");
  EXPECT_FALSE(IsRetryableAwsError(400, e.type));
  EXPECT_TRUE(IsRetryableAwsError(400, "ThrottlingException"));
  EXPECT_TRUE(IsRetryableAwsError(503, ""));
}

TEST_F(HttpClientTest, UnreachableHostIsUnavailableNamingTheHost) {
  HttpClient client;
  const uint16_t port = server_->port();
  server_->Stop();
  auto r = client.Send({"GET", "http://127.0.0.1:" + std::to_string(port) + "/x", {}, "", 2000, 1000});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), Code::kUnavailable);
  EXPECT_NE(r.status().message().find("127.0.0.1:" + std::to_string(port)), std::string::npos)
      << r.status().message();
}

TEST_F(HttpClientTest, ManyThreadsShareThePool) {
  HttpClient client;
  std::atomic<int> ok{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 25; ++i) {
        auto r = client.Send({"POST", base_ + "/echo", {}, "x", 5000, 1000});
        if (r.ok() && r->status == 200) ok.fetch_add(1);
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(ok.load(), 100);
}

TEST_F(HttpClientTest, AwsJsonCallIsSignedWithTargetDateAndToken) {
  HttpClient client;
  SigV4Credentials creds{"AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", "token-1"};
  HttpRequest req{"POST", base_ + "/echo", {{"X-Amz-Target", "AmazonSSM.SendCommand"}}, "{}", 2000, 1000};
  auto r2 = SendSigned(client, req, creds, "us-east-1", "ssm", 1440938160);
  ASSERT_TRUE(r2.ok());
  auto h = json::parse(r2->body)["headers"];
  EXPECT_EQ(h["x-amz-date"], "20150830T123600Z");
  EXPECT_EQ(h["x-amz-target"], "AmazonSSM.SendCommand");
  EXPECT_EQ(h["x-amz-security-token"], "token-1");
  EXPECT_EQ(h["host"], "127.0.0.1:" + std::to_string(server_->port()));
  const std::string auth = h["authorization"];
  EXPECT_EQ(auth.rfind("AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/ssm/aws4_request, ", 0), 0u)
      << auth;
  EXPECT_NE(auth.find("SignedHeaders=host;x-amz-date;x-amz-security-token;x-amz-target"), std::string::npos)
      << auth;
}

TEST(ParseUrlTest, Cases) {
  UrlParts u;
  ASSERT_TRUE(ParseUrl("https://ssm.eu-west-1.amazonaws.com", &u));
  EXPECT_EQ(u.host, "ssm.eu-west-1.amazonaws.com");
  EXPECT_EQ(u.host_header, "ssm.eu-west-1.amazonaws.com");
  EXPECT_EQ(u.path, "/");
  EXPECT_EQ(u.query, "");
  ASSERT_TRUE(ParseUrl("http://127.0.0.1:8000/a/b?x=1&y=2#frag", &u));
  EXPECT_EQ(u.host_header, "127.0.0.1:8000");
  EXPECT_EQ(u.path, "/a/b");
  EXPECT_EQ(u.query, "x=1&y=2");
  ASSERT_TRUE(ParseUrl("https://h:443/", &u));
  EXPECT_EQ(u.host_header, "h");
  EXPECT_FALSE(ParseUrl("ftp://h/", &u));
  EXPECT_FALSE(ParseUrl("http://user@h/", &u));
  EXPECT_FALSE(ParseUrl("http://h:abc/", &u));
  EXPECT_FALSE(ParseUrl("http:///x", &u));
}

}  // namespace
}  // namespace aw::clients
