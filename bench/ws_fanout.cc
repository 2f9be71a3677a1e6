// WebSocket fan-out benchmark driver (run by bench/ws_fanout.sh).
//
// Opens N WebSocket clients to /ws (two io threads, asynchronous: 1,000
// sockets cost two threads, where a Python client would need a thread each),
// then posts alerts to the webhook at a fixed rate from K keep-alive HTTP
// connections. Each alert's message carries its send time (system clock,
// microseconds); each client stamps every alert_received frame on arrival,
// so the delivery latency is measured from the webhook call to every client.
//
// Usage: ws_fanout HOST PORT TOKEN API_KEY CLIENTS RATE SECONDS HTTP_CONNS
// Prints one line per figure and "BENCH_RESULT key=value ...".
//
// Standalone (no awlib): compiled by the script with the header-only Beast.

#include <utility>  // first: Boost 1.74 awaitable.hpp misses it
#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <unordered_map>
#include <vector>

#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/websocket.hpp>

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace websocket = beast::websocket;
using tcp = asio::ip::tcp;
using boost::system::error_code;

namespace {

int64_t NowUs() {
  return std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

struct Stats {
  std::mutex mu;
  std::vector<std::pair<int64_t, int64_t>> frames;  // (sent, arrived) per frame per client
  std::atomic<int> connected{0};
  std::atomic<int> failed{0};
  std::atomic<int> closed{0};
};

class Client : public std::enable_shared_from_this<Client> {
 public:
  Client(asio::io_context& io, Stats* stats, std::string host, std::string port, std::string target)
      : resolver_(io), ws_(io), stats_(stats), host_(std::move(host)), port_(std::move(port)),
        target_(std::move(target)) {}

  void Start() {
    resolver_.async_resolve(host_, port_, [self = shared_from_this()](error_code ec, tcp::resolver::results_type r) {
      if (ec) return self->Fail();
      asio::async_connect(self->ws_.next_layer(), r, [self](error_code ec, const tcp::endpoint&) {
        if (ec) return self->Fail();
        self->ws_.async_handshake(self->host_, self->target_, [self](error_code ec) {
          if (ec) return self->Fail();
          self->Read();
        });
      });
    });
  }

 private:
  void Fail() { ++stats_->failed; }

  void Read() {
    ws_.async_read(buf_, [self = shared_from_this()](error_code ec, std::size_t) {
      if (ec) {
        ++self->stats_->closed;
        return;
      }
      const int64_t now = NowUs();
      std::string_view text(static_cast<const char*>(self->buf_.data().data()), self->buf_.size());
      if (!self->hello_) {
        self->hello_ = true;
        ++self->stats_->connected;
      } else if (auto p = text.find("\"message\":\"bench "); p != std::string_view::npos) {
        int64_t sent = std::strtoll(text.data() + p + 17, nullptr, 10);
        self->local_.emplace_back(sent, now);
        if (self->local_.size() >= 256) self->Flush();
      }
      self->buf_.consume(self->buf_.size());
      self->Read();
    });
  }

 public:
  void Flush() {
    std::lock_guard lock(stats_->mu);
    stats_->frames.insert(stats_->frames.end(), local_.begin(), local_.end());
    local_.clear();
  }

 private:
  tcp::resolver resolver_;
  websocket::stream<tcp::socket> ws_;
  beast::flat_buffer buf_;
  Stats* stats_;
  std::string host_, port_, target_;
  bool hello_ = false;
  std::vector<std::pair<int64_t, int64_t>> local_;
};

int64_t Pct(std::vector<int64_t>& v, double p) {
  if (v.empty()) return 0;
  size_t i = std::min(v.size() - 1, static_cast<size_t>(p * static_cast<double>(v.size())));
  return v[i];
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 9) {
    std::fprintf(stderr, "usage: %s HOST PORT TOKEN API_KEY CLIENTS RATE SECONDS HTTP_CONNS\n", argv[0]);
    return 2;
  }
  const std::string host = argv[1], port = argv[2], token = argv[3], api_key = argv[4];
  const int clients = std::atoi(argv[5]);
  const int rate = std::atoi(argv[6]);
  const int seconds = std::atoi(argv[7]);
  const int conns = std::max(1, std::atoi(argv[8]));

  Stats stats;
  asio::io_context io;
  std::vector<std::shared_ptr<Client>> all;
  for (int i = 0; i < clients; ++i) {
    all.push_back(std::make_shared<Client>(io, &stats, host, port, "/ws?token=" + token));
    all.back()->Start();
  }
  auto guard = asio::make_work_guard(io);
  // Two threads: client handlers never overlap for one client (one read at a time).
  std::thread io_thread([&] { io.run(); });
  std::thread io_thread2([&] { io.run(); });
  auto t0 = std::chrono::steady_clock::now();
  while (stats.connected.load() + stats.failed.load() < clients &&
         std::chrono::steady_clock::now() - t0 < std::chrono::seconds(60)) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  std::printf("clients connected: %d of %d (failed %d) in %.1f s\n", stats.connected.load(), clients,
              stats.failed.load(),
              std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count());

  // Intake: each connection posts at rate/conns per second, paced.
  std::atomic<int> ok{0}, bad{0};
  std::mutex wl_mu;
  std::vector<int64_t> webhook_us;
  std::unordered_map<int64_t, int64_t> answered_at;  // sent -> 2xx received (system clock us)
  std::vector<std::thread> senders;
  for (int c = 0; c < conns; ++c) {
    senders.emplace_back([&, c] {
      asio::io_context hio;
      tcp::resolver res(hio);
      beast::tcp_stream s(hio);
      s.connect(res.resolve(host, port));
      beast::flat_buffer b;
      std::vector<int64_t> mine;
      std::vector<std::pair<int64_t, int64_t>> answered;
      const double interval = static_cast<double>(conns) / rate;
      const int total = rate * seconds / conns;
      auto start = std::chrono::steady_clock::now();
      for (int i = 0; i < total; ++i) {
        auto due = start + std::chrono::duration<double>(i * interval);
        std::this_thread::sleep_until(due);
        http::request<http::string_body> req{http::verb::post, "/api/webhooks/alerts", 11};
        req.set(http::field::host, host);
        req.set("X-API-Key", api_key);
        req.set(http::field::content_type, "application/json");
        const int64_t sent = NowUs();
        req.body() = "{\"asset_name\":\"fanout-" + std::to_string(c) + "-" + std::to_string(i % 50) +
                     "\",\"signature\":\"bench\",\"severity\":\"low\",\"message\":\"bench " + std::to_string(sent) +
                     "\"}";
        req.prepare_payload();
        http::write(s, req);
        http::response<http::string_body> resp;
        http::read(s, b, resp);
        const int64_t done = NowUs();
        mine.push_back(done - sent);
        answered.emplace_back(sent, done);
        if (resp.result_int() / 100 == 2) {
          ++ok;
        } else {
          ++bad;
        }
      }
      std::lock_guard lock(wl_mu);
      webhook_us.insert(webhook_us.end(), mine.begin(), mine.end());
      for (auto& [a, b] : answered) answered_at[a] = b;
    });
  }
  for (auto& t : senders) t.join();
  std::this_thread::sleep_for(std::chrono::seconds(2));  // stragglers
  guard.reset();
  io.stop();
  io_thread.join();
  io_thread2.join();
  for (auto& c : all) c->Flush();

  std::vector<int64_t> lat, after;
  for (const auto& [sent, arrived] : stats.frames) {
    lat.push_back(arrived - sent);
    auto it = answered_at.find(sent);
    if (it != answered_at.end()) after.push_back(std::max<int64_t>(0, arrived - it->second));
  }
  std::sort(lat.begin(), lat.end());
  std::sort(after.begin(), after.end());
  std::sort(webhook_us.begin(), webhook_us.end());
  const long expected = static_cast<long>(ok.load()) * stats.connected.load();
  std::printf("alerts posted: %d accepted, %d refused, at %d/s for %d s over %d connections\n", ok.load(), bad.load(),
              rate, seconds, conns);
  std::printf("frames delivered: %zu of %ld expected (%d clients closed early)\n", lat.size(), expected,
              stats.closed.load());
  std::printf("delivery latency (webhook call -> client): p50 %.2f ms, p99 %.2f ms, max %.2f ms\n",
              Pct(lat, 0.50) / 1000.0, Pct(lat, 0.99) / 1000.0, lat.empty() ? 0.0 : lat.back() / 1000.0);
  std::printf("delivery after the webhook's 2xx: p50 %.2f ms, p99 %.2f ms\n", Pct(after, 0.50) / 1000.0,
              Pct(after, 0.99) / 1000.0);
  std::printf("webhook latency: p50 %.2f ms, p99 %.2f ms\n", Pct(webhook_us, 0.50) / 1000.0,
              Pct(webhook_us, 0.99) / 1000.0);
  std::printf("BENCH_RESULT clients=%d connected=%d alerts=%d frames=%zu expected=%ld p50_ms=%.2f p99_ms=%.2f after2xx_p50_ms=%.2f after2xx_p99_ms=%.2f\n",
              clients, stats.connected.load(), ok.load(), lat.size(), expected, Pct(lat, 0.50) / 1000.0,
              Pct(lat, 0.99) / 1000.0, Pct(after, 0.50) / 1000.0, Pct(after, 0.99) / 1000.0);
  return 0;
}
