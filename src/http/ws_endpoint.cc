// GET /ws: authentication of the upgrade request and the registry of live
// WebSocket sessions (see ws_endpoint.h; a session is in ws_session.cc).

#include "http/ws_endpoint.h"

#include <charconv>

#include <boost/asio/write.hpp>
#include <boost/beast/websocket.hpp>
#include <nlohmann/json.hpp>
#include <spdlog/spdlog.h>

#include "base/errors.h"
#include "http/error_mapping.h"
#include "http/upgrade.h"
#include "http/ws_internal.h"

namespace aw::http {

namespace asio = boost::asio;
namespace beast = boost::beast;
using boost::system::error_code;

namespace {

// Answers the upgrade request with a plain HTTP error and closes: the
// client asked for a WebSocket it may not have.
void Reject(asio::ip::tcp::socket& socket, const std::string& request_id, unsigned status, const char* reason,
            const std::string& code, const std::string& detail) {
  std::string body = nlohmann::json{{"detail", detail}, {"code", code}}.dump();
  std::string head = "HTTP/1.1 " + std::to_string(status) + " " + reason +
                     "\r\nContent-Type: application/json\r\nContent-Length: " + std::to_string(body.size()) +
                     "\r\nConnection: close\r\nX-Request-ID: " + request_id + "\r\n";
  if (status == 401) head += "WWW-Authenticate: Bearer\r\n";
  head += "\r\n";
  error_code ec;
  // Small enough for the socket buffer: this does not wait for the client.
  asio::write(socket, std::array<asio::const_buffer, 2>{asio::buffer(head), asio::buffer(body)}, ec);
  socket.shutdown(asio::ip::tcp::socket::shutdown_send, ec);
  socket.close(ec);
}

std::string BearerToken(const Request& req) {
  if (auto t = req.QueryParam("token"); t && !t->empty()) return *t;
  std::string_view h = req.Header("Authorization");
  constexpr std::string_view kBearer = "bearer ";
  if (h.size() > kBearer.size() && EqualsIgnoreCase(h.substr(0, kBearer.size()), kBearer)) {
    return std::string(h.substr(kBearer.size()));
  }
  return {};
}

}  // namespace

bool WsEndpoint::Impl::Register(const std::shared_ptr<WsSession>& s) {
  std::lock_guard lock(mu);
  if (stopping || live.size() >= opts.max_connections) return false;
  live.emplace(s.get(), s);
  return true;
}

std::shared_ptr<WakeBatcher> WsEndpoint::Impl::BatcherFor(const asio::any_io_executor& ex) {
  const void* key = &asio::query(ex, asio::execution::context);
  std::lock_guard lock(mu);
  auto& b = batchers[key];
  if (!b) b = std::make_shared<WakeBatcher>(ex);
  return b;
}

void WsEndpoint::Impl::Unregister(WsSession* s) {
  std::lock_guard lock(mu);
  live.erase(s);
  if (live.empty()) cv.notify_all();
}

WsEndpoint::WsEndpoint(services::EventHub* hub, services::AuthService* auth, WsOptions opts)
    : impl_(std::make_unique<Impl>()) {
  impl_->hub = hub;
  impl_->auth = auth;
  impl_->opts = opts;
}

WsEndpoint::~WsEndpoint() {
  CloseAll();
  impl_->auth_pool.join();
}

void WsEndpoint::Install(Server& server) { server.SetUpgradeHandler("/ws", Handler()); }

UpgradeHandler WsEndpoint::Handler() {
  Impl* ep = impl_.get();
  return [ep](Upgrade&& up) {
    const std::string rid = up.request.request_id;
    uint64_t after_id = 0;
    if (auto v = up.request.QueryParam("last_event_id"); v && !v->empty()) {
      auto [ptr, ec] = std::from_chars(v->data(), v->data() + v->size(), after_id);
      if (ec != std::errc() || ptr != v->data() + v->size()) {
        Reject(up.socket, rid, 422, "Unprocessable Entity", "validation_error",
               "last_event_id: must be a non-negative integer (the id of the last event received)");
        return;
      }
    }
    std::optional<services::Principal> principal;
    std::string token = BearerToken(up.request);
    if (!token.empty()) {
      try {
        principal = ep->auth->Authenticate(token);
      } catch (const ApiError& e) {
        unsigned status = StatusForKind(e.kind());
        if (status == 401) {
          Reject(up.socket, rid, 401, "Unauthorized", e.code(), e.detail());
        } else {
          Reject(up.socket, rid, 503, "Service Unavailable", "unavailable", "authentication is unavailable; retry");
        }
        return;
      } catch (const std::exception& e) {
        spdlog::warn("ws {}: authentication failed: {}", rid, e.what());
        Reject(up.socket, rid, 503, "Service Unavailable", "unavailable", "authentication is unavailable; retry");
        return;
      }
    }
    if (!up.buffered.empty()) {
      // A client must wait for 101 before sending frames (RFC 6455 4.1).
      Reject(up.socket, rid, 400, "Bad Request", "bad_request", "data sent before the WebSocket handshake completed");
      return;
    }
    WsSession::Request req;
    req.method(beast::http::verb::get);
    req.target(up.request.target);
    req.version(11);
    for (const auto& [name, value] : up.request.headers) req.insert(name, value);
    auto session = std::make_shared<WsSession>(ep, std::move(up.socket), rid, std::move(up.slot));
    if (!ep->Register(session)) {
      spdlog::warn("ws {}: refusing a connection: shutting down or at the limit of {} connections", rid,
                   ep->opts.max_connections);
      // The session closes its socket as it is destroyed.
      return;
    }
    session->Run(std::move(req), std::move(principal), std::move(token), after_id);
  };
}

void WsEndpoint::CloseAll(std::chrono::milliseconds timeout) {
  std::vector<std::shared_ptr<WsSession>> sessions;
  {
    std::lock_guard lock(impl_->mu);
    if (impl_->stopping && impl_->live.empty()) return;  // closed already (quietly: logging may be shut down)
    impl_->stopping = true;
    for (auto& [ptr, weak] : impl_->live) {
      if (auto s = weak.lock()) sessions.push_back(std::move(s));
    }
  }
  if (!sessions.empty()) spdlog::info("ws: closing {} live connections", sessions.size());
  for (auto& s : sessions) s->Shutdown();
  sessions.clear();
  std::unique_lock lock(impl_->mu);
  if (!impl_->cv.wait_for(lock, timeout, [&] { return impl_->live.empty(); })) {
    spdlog::warn("ws: {} connections still open after {} ms", impl_->live.size(), timeout.count());
  }
}

size_t WsEndpoint::connections() const {
  std::lock_guard lock(impl_->mu);
  return impl_->live.size();
}

}  // namespace aw::http
