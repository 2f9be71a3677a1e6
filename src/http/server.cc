#include "http/server.h"

#include <algorithm>
#include <thread>
#include <vector>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/thread_pool.hpp>
#include <spdlog/spdlog.h>

#include "base/thread_name.h"
#include "http/connection.h"
#include "http/server_core.h"

namespace aw::http {

namespace asio = boost::asio;
using boost::system::error_code;
using asio::ip::tcp;

struct Server::Impl {
  enum class Phase { kNew, kRunning, kStopping, kStopped };

  // Declared first so that it outlives everything that refers to it
  // (connections destroyed with the io_contexts unregister from it; an
  // upgraded connection's slot shares its ownership).
  std::shared_ptr<ServerCore> core_owner = std::make_shared<ServerCore>();
  ServerCore& core = *core_owner;
  std::vector<std::unique_ptr<asio::io_context>> ios;
  std::vector<asio::executor_work_guard<asio::io_context::executor_type>> guards;
  std::unique_ptr<tcp::acceptor> acceptor;
  std::unique_ptr<asio::steady_timer> accept_retry;
  std::unique_ptr<asio::thread_pool> pool;
  std::vector<std::thread> threads;
  std::atomic<uint16_t> port{0};
  size_t next_io = 0;

  // Accepting-thread state (ios[0]): accept() failures and refusals, for
  // the back-off and for logging at most once per kLogEvery.
  std::chrono::milliseconds accept_backoff{0};
  uint64_t accept_failures = 0;
  uint64_t refused_per_ip = 0;
  uint64_t refused_full = 0;
  uint64_t evicted = 0;
  std::chrono::steady_clock::time_point last_accept_log{};
  std::chrono::steady_clock::time_point last_refusal_log{};

  std::mutex phase_mu;
  std::condition_variable phase_cv;
  Phase phase = Phase::kNew;

  void Accept();
  void OnAcceptFailed(const error_code& ec);
  enum class Admission { kAdmitted, kPerIpCap, kFull };
  // Counts `ip` and admits the connection, or says which cap refuses it.
  // At the global cap the connection idle the longest is evicted to make
  // room (`victim`); without one the new connection is refused.
  Admission Admit(const std::string& ip, std::shared_ptr<Connection>* victim);
  void NoteRefusal(Admission why, const std::string& ip, bool evicted_one);
  std::vector<std::shared_ptr<Connection>> LiveConnections();
  // Posts `fn` to every live connection's io thread.
  template <typename Fn>
  void ForEachConnection(Fn fn) {
    for (auto& c : LiveConnections()) {
      asio::post(c->executor(), [c, fn] { fn(*c); });
    }
  }
  bool WaitForDrain(std::chrono::milliseconds timeout);
};

namespace {

constexpr auto kLogEvery = std::chrono::seconds(10);
constexpr auto kMinAcceptBackoff = std::chrono::milliseconds(50);
constexpr auto kMaxAcceptBackoff = std::chrono::milliseconds(1000);

}  // namespace

void Server::Impl::Accept() {
  asio::io_context& target = *ios[next_io++ % ios.size()];
  acceptor->async_accept(target, [this](const error_code& ec, tcp::socket socket) {
    if (ec == asio::error::operation_aborted || !acceptor->is_open()) return;
    if (ec) {
      OnAcceptFailed(ec);
      return;
    }
    if (accept_failures > 0) {
      spdlog::info("http: accepting again after {} failed accept() calls", accept_failures);
      accept_failures = 0;
    }
    accept_backoff = std::chrono::milliseconds(0);
    if (core.stopping.load()) return;  // the socket closes as it goes out of scope
    error_code ep_ec;
    auto ep = socket.remote_endpoint(ep_ec);
    std::string ip = ep_ec ? std::string() : ep.address().to_string();
    std::shared_ptr<Connection> victim;
    Admission verdict = Admit(ip, &victim);
    if (victim) {
      asio::post(victim->executor(), [victim] { victim->EvictIfIdle(); });
    }
    if (verdict != Admission::kAdmitted || victim) NoteRefusal(verdict, ip, victim != nullptr);
    if (verdict == Admission::kAdmitted) {
      auto c = std::make_shared<Connection>(&core, std::move(socket), std::move(ip));
      core.Register(c);
      asio::post(c->executor(), [c] { c->Start(); });
    } else {
      error_code close_ec;
      socket.close(close_ec);  // over a cap: closed at once
    }
    Accept();
  });
}

void Server::Impl::OnAcceptFailed(const error_code& ec) {
  // Typically EMFILE (out of file handles): the pending connection stays in
  // the backlog, so retrying at once would spin. Back off, and log the first
  // failure and then at most one line per kLogEvery.
  ++accept_failures;
  accept_backoff = std::clamp<std::chrono::milliseconds>(accept_backoff * 2, kMinAcceptBackoff, kMaxAcceptBackoff);
  auto now = std::chrono::steady_clock::now();
  if (accept_failures == 1 || now - last_accept_log >= kLogEvery) {
    last_accept_log = now;
    spdlog::warn("http: accept failed: {} ({} failures so far; retrying every {} ms at most)", ec.message(),
                 accept_failures, accept_backoff.count());
  }
  accept_retry->expires_after(accept_backoff);
  accept_retry->async_wait([this](const error_code& e) {
    if (!e && acceptor->is_open()) Accept();
  });
}

Server::Impl::Admission Server::Impl::Admit(const std::string& ip, std::shared_ptr<Connection>* victim) {
  const ServerOptions& o = core.opts;
  std::lock_guard lock(core.mu);
  auto it = core.per_ip.find(ip);
  if (o.max_connections_per_ip > 0 && it != core.per_ip.end() && it->second >= o.max_connections_per_ip) {
    return Admission::kPerIpCap;
  }
  if (o.max_connections > 0 && core.live.size() + core.upgraded >= o.max_connections) {
    // The connection waiting longest for a request makes room; one with a
    // request in progress, or upgraded, is never evicted.
    int64_t oldest = 0;
    for (auto& [key, weak] : core.live) {
      auto c = weak.lock();
      if (!c) continue;
      int64_t since = c->idle_since_ns();
      if (since > 0 && (oldest == 0 || since < oldest)) {
        oldest = since;
        *victim = std::move(c);
      }
    }
    if (!*victim) return Admission::kFull;
    (*victim)->MarkEvicting();
  }
  ++core.per_ip[ip];
  return Admission::kAdmitted;
}

void Server::Impl::NoteRefusal(Admission why, const std::string& ip, bool evicted_one) {
  if (why == Admission::kPerIpCap) ++refused_per_ip;
  if (why == Admission::kFull) ++refused_full;
  if (evicted_one) ++evicted;
  auto now = std::chrono::steady_clock::now();
  if (now - last_refusal_log < kLogEvery) return;
  last_refusal_log = now;
  spdlog::warn("http: connection caps reached: {} refused over the per-address cap of {} (last from {}), {} "
               "refused with all {} connections busy, {} idle ones closed to make room (counts since the last "
               "such line)",
               refused_per_ip, core.opts.max_connections_per_ip, ip.empty() ? "-" : ip, refused_full,
               core.opts.max_connections, evicted);
  refused_per_ip = refused_full = evicted = 0;
}

std::vector<std::shared_ptr<Connection>> Server::Impl::LiveConnections() {
  std::vector<std::shared_ptr<Connection>> out;
  std::lock_guard lock(core.mu);
  out.reserve(core.live.size());
  for (auto& entry : core.live) {
    if (auto c = entry.second.lock()) out.push_back(std::move(c));
  }
  return out;
}

bool Server::Impl::WaitForDrain(std::chrono::milliseconds timeout) {
  std::unique_lock lock(core.mu);
  return core.cv.wait_for(lock, timeout, [&] { return core.live.empty(); });
}

Server::Server(ServerOptions opts, const Router* router) : impl_(std::make_unique<Impl>()) {
  impl_->core.opts = std::move(opts);
  impl_->core.router = router;
  impl_->core.self = impl_->core_owner;
}

Server::~Server() { Stop(); }

void Server::SetUpgradeHandler(std::string path, UpgradeHandler handler) {
  impl_->core.upgrade_path = std::move(path);
  impl_->core.upgrade_handler = std::move(handler);
}

Status Server::Start() {
  Impl& m = *impl_;
  std::lock_guard lock(m.phase_mu);
  if (m.phase != Impl::Phase::kNew) return Status::InvalidArgument("server already started");
  const ServerOptions& o = m.core.opts;
  std::string where = o.address + ":" + std::to_string(o.port);
  error_code ec;
  auto address = asio::ip::make_address(o.address, ec);
  if (ec) return Status::InvalidArgument("invalid listen address '" + o.address + "': " + ec.message());

  int io_threads = std::max(1, o.io_threads);
  for (int i = 0; i < io_threads; ++i) m.ios.push_back(std::make_unique<asio::io_context>(1));
  m.acceptor = std::make_unique<tcp::acceptor>(*m.ios[0]);
  m.accept_retry = std::make_unique<asio::steady_timer>(*m.ios[0]);
  tcp::endpoint endpoint(address, o.port);
  auto fail = [&](const char* what) {
    m.acceptor.reset();
    m.accept_retry.reset();
    m.ios.clear();
    return Status::Unavailable(std::string("cannot listen on ") + where + ": " + what + ": " + ec.message());
  };
  m.acceptor->open(endpoint.protocol(), ec);
  if (ec) return fail("open");
  m.acceptor->set_option(tcp::acceptor::reuse_address(true), ec);
  if (ec) return fail("setsockopt");
  m.acceptor->bind(endpoint, ec);
  if (ec) return fail("bind");
  m.acceptor->listen(asio::socket_base::max_listen_connections, ec);
  if (ec) return fail("listen");
  m.port = m.acceptor->local_endpoint(ec).port();

  m.pool = std::make_unique<asio::thread_pool>(static_cast<size_t>(std::max(1, o.worker_threads)));
  m.core.workers = m.pool.get();
  for (auto& io : m.ios) m.guards.push_back(asio::make_work_guard(*io));
  m.Accept();
  for (auto& io : m.ios) {
    m.threads.emplace_back([ctx = io.get()] {
      SetThreadName("aw-http-io");
      for (;;) {
        try {
          ctx->run();
          return;
        } catch (const std::exception& e) {
          spdlog::error("http io thread: unexpected exception: {}", e.what());
        }
      }
    });
  }
  m.phase = Impl::Phase::kRunning;
  spdlog::info("http: listening on {}:{} ({} io threads, {} workers; at most {} connections, {} per client "
               "address; request head within {} s)",
               o.address, m.port.load(), io_threads, std::max(1, o.worker_threads), o.max_connections,
               o.max_connections_per_ip, o.header_timeout.count());
  return Status::OK();
}

uint16_t Server::port() const { return impl_->port.load(); }

void Server::Stop() { Stop(std::chrono::steady_clock::now() + impl_->core.opts.drain_timeout); }

void Server::Stop(std::chrono::steady_clock::time_point deadline) {
  Impl& m = *impl_;
  {
    std::unique_lock lock(m.phase_mu);
    if (m.phase == Impl::Phase::kNew) {
      m.phase = Impl::Phase::kStopped;
      m.phase_cv.notify_all();
      return;
    }
    if (m.phase != Impl::Phase::kRunning) {
      m.phase_cv.wait(lock, [&] { return m.phase == Impl::Phase::kStopped; });
      return;
    }
    m.phase = Impl::Phase::kStopping;
  }

  m.core.stopping.store(true);
  asio::post(*m.ios[0], [&m] {
    error_code ec;
    m.acceptor->close(ec);
    m.accept_retry->cancel();
  });
  // Idle connections close now; busy ones after their current response.
  m.ForEachConnection([](Connection& c) { c.Shutdown(); });
  // The whole stop fits in the budget: the drain ends early enough for the
  // forced closes after it (they take milliseconds; kCloseGrace bounds them).
  constexpr auto kCloseGrace = std::chrono::milliseconds(500);
  auto left = [&](std::chrono::steady_clock::duration reserve) {
    return std::max(std::chrono::duration_cast<std::chrono::milliseconds>(deadline - reserve -
                                                                          std::chrono::steady_clock::now()),
                    std::chrono::milliseconds(0));
  };
  if (!m.WaitForDrain(left(kCloseGrace))) {
    spdlog::warn("http: connections still busy at the end of the drain; closing them");
  }
  m.ForEachConnection([](Connection& c) { c.ForceClose(); });
  m.pool->join();  // handlers still running finish here
  m.ForEachConnection([](Connection& c) { c.ForceClose(); });
  m.WaitForDrain(std::max(left(std::chrono::milliseconds(0)), std::chrono::milliseconds(100)));

  m.guards.clear();
  for (auto& io : m.ios) io->stop();
  for (auto& t : m.threads) t.join();
  m.threads.clear();

  std::lock_guard lock(m.phase_mu);
  m.phase = Impl::Phase::kStopped;
  m.phase_cv.notify_all();
  spdlog::info("http: stopped");
}

void Server::Wait() {
  std::unique_lock lock(impl_->phase_mu);
  impl_->phase_cv.wait(lock, [&] { return impl_->phase == Impl::Phase::kStopped; });
}

}  // namespace aw::http
