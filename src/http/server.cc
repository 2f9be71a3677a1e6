#include "http/server.h"

#include <thread>
#include <vector>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/thread_pool.hpp>
#include <spdlog/spdlog.h>

#include "http/connection.h"
#include "http/server_core.h"

namespace aw::http {

namespace asio = boost::asio;
using boost::system::error_code;
using asio::ip::tcp;

struct Server::Impl {
  enum class Phase { kNew, kRunning, kStopping, kStopped };

  // Declared first so that it outlives everything that refers to it
  // (connections destroyed with the io_contexts unregister from it).
  ServerCore core;
  std::vector<std::unique_ptr<asio::io_context>> ios;
  std::vector<asio::executor_work_guard<asio::io_context::executor_type>> guards;
  std::unique_ptr<tcp::acceptor> acceptor;
  std::unique_ptr<asio::steady_timer> accept_retry;
  std::unique_ptr<asio::thread_pool> pool;
  std::vector<std::thread> threads;
  std::atomic<uint16_t> port{0};
  size_t next_io = 0;

  std::mutex phase_mu;
  std::condition_variable phase_cv;
  Phase phase = Phase::kNew;

  void Accept();
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

void Server::Impl::Accept() {
  asio::io_context& target = *ios[next_io++ % ios.size()];
  acceptor->async_accept(target, [this](const error_code& ec, tcp::socket socket) {
    if (ec == asio::error::operation_aborted || !acceptor->is_open()) return;
    if (ec) {
      // Typically EMFILE: back off briefly instead of spinning.
      spdlog::warn("accept failed: {}", ec.message());
      accept_retry->expires_after(std::chrono::milliseconds(100));
      accept_retry->async_wait([this](const error_code& e) {
        if (!e && acceptor->is_open()) Accept();
      });
      return;
    }
    if (core.stopping.load()) return;  // the socket closes as it goes out of scope
    auto c = std::make_shared<Connection>(&core, std::move(socket));
    core.Register(c);
    asio::post(c->executor(), [c] { c->Start(); });
    Accept();
  });
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
  spdlog::info("http: listening on {}:{} ({} io threads, {} workers)", o.address, m.port.load(), io_threads,
               std::max(1, o.worker_threads));
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
