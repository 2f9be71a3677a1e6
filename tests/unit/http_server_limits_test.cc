// Server limits, timeouts, graceful stop, concurrency and the upgrade hook.

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <future>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

#include <boost/asio/read.hpp>
#include <boost/asio/write.hpp>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "http/server.h"
#include "http/upgrade.h"
#include "http_test_client.h"

namespace aw::http {
namespace {

using nlohmann::json;
using testing::Get;
using testing::Post;
using testing::TestClient;

class HttpServerLimitsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    router_.Add("GET", "/echo/{id}", [](Request& req) { return Response::Json(200, {{"id", req.PathParam("id")}}); });
    router_.Add("POST", "/echo", [](Request& req) { return Response::Json(200, {{"size", req.body.size()}}); });
    router_.Add("GET", "/slow", [this](Request&) {
      std::unique_lock lock(mu_);
      slow_entered_ = true;
      cv_.notify_all();
      cv_.wait_for(lock, std::chrono::seconds(10), [&] { return slow_released_; });
      return Response::Json(200, {{"slow", "done"}});
    });
    // Answers 200 only if `kGather` handlers run at the same time.
    router_.Add("GET", "/gather", [this](Request&) {
      std::unique_lock lock(mu_);
      ++gathered_;
      cv_.notify_all();
      bool all = cv_.wait_for(lock, std::chrono::seconds(5), [&] { return gathered_ >= kGather; });
      return Response::Json(all ? 200 : 503, json::object());
    });
  }
  void TearDown() override {
    {
      std::lock_guard lock(mu_);
      slow_released_ = true;
    }
    cv_.notify_all();
    server_.reset();
  }

  void StartServer(ServerOptions opts = {}) {
    opts.address = "127.0.0.1";
    opts.port = 0;
    server_ = std::make_unique<Server>(opts, &router_);
    Status s = server_->Start();
    ASSERT_TRUE(s.ok()) << s.ToString();
  }
  uint16_t port() const { return server_->port(); }

  static constexpr int kGather = 8;
  Router router_;
  std::unique_ptr<Server> server_;
  std::mutex mu_;
  std::condition_variable cv_;
  bool slow_entered_ = false;
  bool slow_released_ = false;
  int gathered_ = 0;
};

TEST_F(HttpServerLimitsTest, OversizedContentLengthIs413BeforeTheBody) {
  ServerOptions opts;
  opts.max_body_bytes = 1024;
  StartServer(opts);
  TestClient c(port());
  // Only the header is sent: the server must answer without waiting for 10 MB.
  auto r = c.Request("POST /echo HTTP/1.1\r\nHost: t\r\nContent-Length: 10000000\r\n\r\n");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 413);
  json b = json::parse(r->body);
  EXPECT_EQ(b["code"], "payload_too_large");
  EXPECT_NE(b["detail"].get<std::string>().find("limit is 1024 bytes"), std::string::npos);
  EXPECT_EQ(r->Header("connection"), "close");
  EXPECT_FALSE(r->Header("x-request-id").empty());
  EXPECT_TRUE(c.ReadsEof());

  TestClient ok(port());
  auto fits = ok.Request(Post("/echo", std::string(1024, 'x')));
  ASSERT_TRUE(fits);
  EXPECT_EQ(json::parse(fits->body)["size"], 1024);
}

TEST_F(HttpServerLimitsTest, ChunkedBodyOverLimitIs413) {
  ServerOptions opts;
  opts.max_body_bytes = 100;
  StartServer(opts);
  TestClient c(port());
  std::string chunk(80, 'y');
  auto r = c.Request("POST /echo HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n50\r\n" + chunk +
                     "\r\n50\r\n" + chunk + "\r\n0\r\n\r\n");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 413);
  EXPECT_TRUE(c.ReadsEof());
}

TEST_F(HttpServerLimitsTest, GarbageIs400AndCloses) {
  StartServer();
  for (std::string garbage : {std::string("THIS IS NOT HTTP\r\n\r\n"), std::string("\x16\x03\x01\x02\x00\x01\x00\r\n\r\n", 11),
                              std::string("GET /echo/x HTTP/1.1\r\nBad Header Line\r\n\r\n"),
                              std::string("POST /echo HTTP/1.1\r\nContent-Length: abc\r\n\r\n")}) {
    TestClient c(port());
    auto r = c.Request(garbage);
    ASSERT_TRUE(r) << garbage;
    EXPECT_EQ(r->status, 400);
    EXPECT_EQ(json::parse(r->body)["code"], "bad_request");
    EXPECT_TRUE(c.ReadsEof());
  }
  TestClient still_up(port());
  EXPECT_EQ(still_up.Request(Get("/echo/x"))->status, 200);
}

TEST_F(HttpServerLimitsTest, OversizedHeaderIs431) {
  ServerOptions opts;
  opts.max_header_bytes = 1024;
  StartServer(opts);
  TestClient c(port());
  auto r = c.Request(Get("/echo/x", "X-Big: " + std::string(2000, 'h') + "\r\n"));
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 431);
  EXPECT_TRUE(c.ReadsEof());
}

TEST_F(HttpServerLimitsTest, StalledRequestAndIdleConnectionAreClosed) {
  ServerOptions opts;
  opts.read_timeout = std::chrono::seconds(1);
  opts.idle_timeout = std::chrono::seconds(1);
  StartServer(opts);
  TestClient partial(port());
  ASSERT_TRUE(partial.Send("GET /echo/x HTTP/1.1\r\nHost:"));
  TestClient idle(port());
  ASSERT_TRUE(idle.Request(Get("/echo/x")));
  auto start = std::chrono::steady_clock::now();
  EXPECT_TRUE(partial.ReadsEof());
  EXPECT_TRUE(idle.ReadsEof());
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(4));
}

TEST_F(HttpServerLimitsTest, RequestHeadHasItsOwnDeadline) {
  // Issue 16: a connection that never sent a byte was kept for the whole
  // idle timeout (75 s), so idle connections could exhaust file handles.
  ServerOptions opts;
  opts.header_timeout = std::chrono::seconds(1);
  opts.idle_timeout = std::chrono::seconds(30);
  StartServer(opts);
  TestClient silent(port());
  TestClient kept(port());
  ASSERT_TRUE(kept.Request(Get("/echo/x")));
  auto start = std::chrono::steady_clock::now();
  EXPECT_TRUE(silent.ReadsEof());
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(3));
  // Between requests a kept-alive connection has the idle timeout.
  std::this_thread::sleep_for(std::chrono::milliseconds(1500));
  auto again = kept.Request(Get("/echo/y"));
  ASSERT_TRUE(again);
  EXPECT_EQ(again->status, 200);
}

TEST_F(HttpServerLimitsTest, ConnectionsOverThePerAddressCapAreClosedAtOnce) {
  ServerOptions opts;
  opts.max_connections_per_ip = 2;
  StartServer(opts);
  TestClient a(port()), b(port());
  ASSERT_TRUE(a.Request(Get("/echo/a")));
  ASSERT_TRUE(b.Request(Get("/echo/b")));
  TestClient c(port(), /*timeout_seconds=*/2);
  auto start = std::chrono::steady_clock::now();
  EXPECT_TRUE(c.ReadsEof());
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(1));
  a.Close();  // a slot frees up
  std::this_thread::sleep_for(std::chrono::milliseconds(200));
  TestClient d(port());
  auto r = d.Request(Get("/echo/d"));
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
}

TEST_F(HttpServerLimitsTest, OverTheGlobalCapTheLongestIdleConnectionMakesRoom) {
  ServerOptions opts;
  opts.max_connections = 2;
  opts.max_connections_per_ip = 0;
  StartServer(opts);
  TestClient oldest(port());
  std::this_thread::sleep_for(std::chrono::milliseconds(100));
  TestClient newer(port());
  std::this_thread::sleep_for(std::chrono::milliseconds(100));
  TestClient third(port());
  auto r = third.Request(Get("/echo/z"));
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
  EXPECT_TRUE(oldest.ReadsEof());
  auto n = newer.Request(Get("/echo/n"));
  ASSERT_TRUE(n);
  EXPECT_EQ(n->status, 200);
}

TEST_F(HttpServerLimitsTest, StopLetsInFlightRequestFinishAndClosesIdle) {
  StartServer();
  TestClient busy(port());
  ASSERT_TRUE(busy.Send(Get("/slow")));
  {
    std::unique_lock lock(mu_);
    ASSERT_TRUE(cv_.wait_for(lock, std::chrono::seconds(5), [&] { return slow_entered_; }));
  }
  TestClient idle(port());
  ASSERT_TRUE(idle.Request(Get("/echo/x")));

  auto stopped = std::async(std::launch::async, [&] { server_->Stop(); });
  EXPECT_TRUE(idle.ReadsEof());  // idle keep-alive connections go first
  // New connections are refused once the acceptor is closed.
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
  while (TestClient(port()).connected() && std::chrono::steady_clock::now() < deadline) {
  }
  EXPECT_FALSE(TestClient(port()).connected());
  EXPECT_EQ(stopped.wait_for(std::chrono::milliseconds(0)), std::future_status::timeout);

  {
    std::lock_guard lock(mu_);
    slow_released_ = true;
  }
  cv_.notify_all();
  auto r = busy.Read();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(json::parse(r->body)["slow"], "done");
  EXPECT_EQ(r->Header("connection"), "close");
  EXPECT_TRUE(busy.ReadsEof());
  busy.Close();  // ends the server's lingering close at once
  stopped.get();
  server_->Wait();  // returns at once: stopped
}

TEST_F(HttpServerLimitsTest, SixtyFourConcurrentConnections) {
  ServerOptions opts;
  opts.worker_threads = kGather;
  StartServer(opts);
  std::vector<std::unique_ptr<TestClient>> clients;
  for (int i = 0; i < 64; ++i) {
    clients.push_back(std::make_unique<TestClient>(port()));
    ASSERT_TRUE(clients.back()->connected());
  }
  for (int round = 0; round < 3; ++round) {
    for (int i = 0; i < 64; ++i) ASSERT_TRUE(clients[i]->Send(Get("/echo/" + std::to_string(i * 10 + round))));
    for (int i = 0; i < 64; ++i) {
      auto r = clients[i]->Read();
      ASSERT_TRUE(r) << i;
      ASSERT_EQ(r->status, 200);
      EXPECT_EQ(json::parse(r->body)["id"], std::to_string(i * 10 + round));
    }
  }
  // Handlers really run in parallel on the worker pool.
  for (int i = 0; i < kGather; ++i) ASSERT_TRUE(clients[i]->Send(Get("/gather")));
  for (int i = 0; i < kGather; ++i) {
    auto r = clients[i]->Read();
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, 200);
  }
}

TEST_F(HttpServerLimitsTest, UpgradeHandlerTakesOverTheSocket) {
  std::atomic<bool> called{false};
  auto s = std::make_unique<Server>(ServerOptions{.address = "127.0.0.1", .port = 0}, &router_);
  s->SetUpgradeHandler("/ws", [&](Upgrade&& up) {
    called = true;
    std::string hello = "HTTP/1.1 101 Switching Protocols\r\nUpgrade: test\r\nConnection: Upgrade\r\n"
                        "X-Token: " + up.request.QueryParam("token").value_or("") + "\r\n\r\n";
    boost::asio::write(up.socket, boost::asio::buffer(hello));
    char four[4];
    boost::asio::read(up.socket, boost::asio::buffer(four));
    boost::asio::write(up.socket, boost::asio::buffer(four));
  });
  ASSERT_TRUE(s->Start().ok());
  TestClient c(s->port());
  ASSERT_TRUE(c.Send("GET /ws?token=t1 HTTP/1.1\r\nHost: t\r\nConnection: Upgrade\r\nUpgrade: test\r\n\r\n"));
  auto r = c.Read();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 101);
  EXPECT_EQ(r->Header("x-token"), "t1");
  ASSERT_TRUE(c.Send("ping"));
  EXPECT_EQ(c.ReadRaw(4), "ping");
  EXPECT_TRUE(called);

  // Without the upgrade headers, /ws is an ordinary (unrouted) request.
  TestClient plain(s->port());
  auto p = plain.Request(Get("/ws"));
  ASSERT_TRUE(p);
  EXPECT_EQ(p->status, 404);
}

}  // namespace
}  // namespace aw::http
