// One WebSocket connection of GET /ws (see ws_endpoint.h for the protocol).
//
// Everything below runs on the connection's io thread (one thread per
// io_context, so no strand is needed), except Run() and Shutdown(), which
// post onto it. Outgoing events wait in the hub's bounded subscription
// queue (where incident_updated events coalesce); they are drained into the
// socket's write queue (ws_wire.h) only when no write is in flight, all of
// them at once, and written with one gather write. A client that stops
// reading makes the hub queue overflow and is cut off.

#include <utility>

#include <boost/asio/post.hpp>
#include <boost/beast/core/buffers_to_string.hpp>
#include <boost/beast/websocket.hpp>
#include <nlohmann/json.hpp>
#include <spdlog/spdlog.h>

#include "base/errors.h"
#include "core/ws_frame.h"
#include "http/http_metrics.h"
#include "http/ws_internal.h"
#include "services/identity/tenant_scope.h"

namespace aw::http {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace websocket = beast::websocket;
using boost::system::error_code;
using nlohmann::json;

namespace {
// Pongs and other control frames a client may have waiting; more means it
// sends pings without reading the answers.
constexpr size_t kMaxPendingControl = 256;
}  // namespace

void WakeBatcher::Schedule(std::weak_ptr<WsSession> s) {
  std::lock_guard lock(mu_);
  ready_.push_back(std::move(s));
  if (scheduled_) return;
  scheduled_ = true;
  asio::post(ex_, [self = shared_from_this()] { self->Run(); });
}

void WakeBatcher::Run() {
  std::vector<std::weak_ptr<WsSession>> ready;
  {
    std::lock_guard lock(mu_);
    ready.swap(ready_);
    scheduled_ = false;
  }
  for (auto& w : ready) {
    if (auto s = w.lock()) s->Pump();
  }
}

WsSession::WsSession(WsEndpoint::Impl* ep, asio::ip::tcp::socket socket, std::string request_id,
                     std::shared_ptr<void> slot)
    : ep_(ep),
      ws_(std::move(socket)),
      timer_(ws_.get_executor()),
      recheck_timer_(ws_.get_executor()),
      request_id_(std::move(request_id)),
      slot_(std::move(slot)) {}

WsSession::~WsSession() {
  if (sub_) ep_->hub->Unsubscribe(sub_);
  ep_->Unregister(this);
}

void WsSession::Run(Request req, std::optional<services::Principal> principal, std::string token, uint64_t after_id) {
  after_id_ = after_id;
  token_ = std::move(token);
  asio::post(ws_.get_executor(), [self = shared_from_this(), req = std::move(req), p = std::move(principal)]() mutable {
    websocket::stream_base::timeout t;
    t.handshake_timeout = std::chrono::seconds(10);
    t.idle_timeout = self->ep_->opts.idle_timeout;
    t.keep_alive_pings = true;
    self->ws_.set_option(t);
    self->ws_.read_message_max(self->ep_->opts.max_message_bytes);
    self->ws_.set_option(websocket::stream_base::decorator([rid = self->request_id_](websocket::response_type& res) {
      res.set("X-Request-ID", rid);
    }));
    std::weak_ptr<WsSession> weak = self;
    self->wire().SetOwner(weak, [raw = self.get()] { raw->Pump(); });
    if (p) {
      // Subscribed before the handshake completes so nothing published in
      // between is missed; frames wait in the queue until the accept is done.
      self->Start(*p);
      self->ScheduleRecheck();
    }
    // The request lives in the session until the handshake completes.
    self->request_ = std::move(req);
    auto& ws = self->ws_;
    auto& request = self->request_;
    ws.async_accept(request, [self = std::move(self)](const error_code& ec) { self->OnAccept(ec); });
  });
}

void WsSession::OnAccept(const error_code& ec) {
  request_ = {};
  accepted_ = !ec;
  if (ec) {
    spdlog::debug("ws {}: handshake failed: {}", request_id_, ec.message());
    Abort("handshake failed");
    return;
  }
  if (!authed_) {
    timer_.expires_after(ep_->opts.auth_timeout);
    timer_.async_wait([self = shared_from_this()](const error_code& e) {
      if (e || self->authed_ || self->closing_) return;
      self->CloseWith(websocket::close_code::policy_error, "authentication required");
    });
  }
  Read();
  Pump();
}

void WsSession::Read() {
  ws_.async_read(buffer_, [self = shared_from_this()](const error_code& ec, std::size_t n) { self->OnRead(ec, n); });
}

void WsSession::OnRead(const error_code& ec, std::size_t) {
  if (ec) {
    // Closed by the peer, by us, by the idle timeout, or an oversized message.
    Abort(nullptr);
    return;
  }
  std::string text = beast::buffers_to_string(buffer_.data());
  buffer_.consume(buffer_.size());
  if (closing_) return;
  HandleText(text);
  if (!closing_) Read();
}

void WsSession::HandleText(const std::string& text) {
  if (text == "ping") {
    SendText(R"({"type":"pong"})");
    return;
  }
  json msg = json::parse(text, nullptr, false);
  std::string type = msg.is_object() ? msg.value("type", "") : "";
  if (type == "ping") {
    SendText(R"({"type":"pong"})");
    return;
  }
  if (!authed_) {
    if (auth_pending_) return;
    if (type != "auth" || !msg.contains("token") || !msg["token"].is_string()) {
      CloseWith(websocket::close_code::policy_error, "authentication required");
      return;
    }
    if (msg.contains("last_event_id") && msg["last_event_id"].is_number_unsigned()) {
      after_id_ = msg["last_event_id"].get<uint64_t>();
    }
    Authenticate(msg["token"].get<std::string>());
    return;
  }
  // A fresh token on an open connection (the client refreshed its access
  // token): checked at once, then kept for the periodic checks.
  if (type == "auth" && msg.contains("token") && msg["token"].is_string()) {
    token_ = msg["token"].get<std::string>();
    recheck_timer_.cancel();
    Recheck();
  }
  // Anything else from an authenticated client is ignored.
}

void WsSession::Authenticate(std::string token) {
  auth_pending_ = true;
  token_ = token;
  asio::post(ep_->auth_pool, [self = shared_from_this(), token = std::move(token)] {
    std::optional<services::Principal> p;
    try {
      p = self->ep_->auth->Authenticate(token);
    } catch (const ApiError&) {
    } catch (const std::exception& e) {
      spdlog::warn("ws {}: authentication failed: {}", self->request_id_, e.what());
    }
    auto& ws = self->ws_;
    asio::post(ws.get_executor(), [self = std::move(self), p = std::move(p)] {
      self->auth_pending_ = false;
      if (self->closing_) return;
      if (!p) {
        self->CloseWith(websocket::close_code::policy_error, "invalid token");
        return;
      }
      self->timer_.cancel();
      self->Start(*p);
      self->Pump();
      self->ScheduleRecheck();
    });
  });
}

void WsSession::Start(const services::Principal& p) {
  authed_ = true;
  user_id_ = p.user_id;
  role_ = p.role;
  company_ids_ = p.company_ids;
  auto r = ep_->hub->Subscribe(services::AudienceOf(p), after_id_);
  sub_ = r.subscription;
  json hello = {{"type", "connected"},
                {"data",
                 {{"user_id", p.user_id},
                  {"role", services::RoleName(p.role)},
                  {"last_event_id", r.last_id},
                  {"replayed", r.replayed},
                  {"replay_complete", r.replay_complete}}}};
  // Queued by the next Pump, before any event (events are drained there
  // after it); after the handshake response when Start runs before it.
  hello_ = hello.dump();
  std::weak_ptr<WsSession> weak = weak_from_this();
  sub_->SetWake([weak, batcher = ep_->BatcherFor(ws_.get_executor())] { batcher->Schedule(weak); });
}

void WsSession::ScheduleRecheck() {
  if (closing_) return;
  recheck_timer_.expires_after(ep_->opts.recheck_interval);
  recheck_timer_.async_wait([self = shared_from_this()](const error_code& e) {
    if (!e) self->Recheck();
  });
}

void WsSession::Recheck() {
  if (closing_ || recheck_pending_) return;
  recheck_pending_ = true;
  asio::post(ep_->auth_pool, [self = shared_from_this(), token = token_] {
    std::optional<services::Principal> p;
    bool unavailable = false;
    try {
      p = self->ep_->auth->Authenticate(token);
    } catch (const ApiError& e) {
      // 401: expired, revoked, user gone. Anything else (the store is down)
      // proves nothing about the token: keep the connection, check later.
      unavailable = e.kind() != ErrorKind::kUnauthenticated;
    } catch (const std::exception& e) {
      unavailable = true;
      spdlog::warn("ws {}: cannot check the token again: {}", self->request_id_, e.what());
    }
    auto& ws = self->ws_;
    asio::post(ws.get_executor(), [self = std::move(self), p = std::move(p), unavailable] {
      self->recheck_pending_ = false;
      if (self->closing_) return;
      if (unavailable) {
        self->ScheduleRecheck();
        return;
      }
      if (!p) {
        spdlog::info("ws {}: disconnecting user {}: token expired or revoked", self->request_id_, self->user_id_);
        self->CloseWith(websocket::close_code::policy_error, "token expired or revoked; sign in again");
        return;
      }
      if (!self->SameScope(*p)) {
        spdlog::info("ws {}: disconnecting user {}: role or companies changed", self->request_id_, self->user_id_);
        self->CloseWith(websocket::close_code::policy_error, "access changed; reconnect");
        return;
      }
      self->ScheduleRecheck();
    });
  });
}

bool WsSession::SameScope(const services::Principal& p) const {
  return p.user_id == user_id_ && p.role == role_ && p.company_ids == company_ids_;
}

void WsSession::SendText(std::string_view text) {
  if (closing_) return;
  if (wire().queued() >= kMaxPendingControl) {
    Abort("too many unanswered pings");
    return;
  }
  auto frame = std::make_shared<const std::string>(core::WsFrame(text));
  wire().Send(frame, asio::buffer(*frame));
  wire().Flush();
}

void WsSession::Pump() {
  if (closing_ || !accepted_ || !ws_.is_open()) return;
  if (sub_ && sub_->overflowed()) {
    DropTooSlow();
    return;
  }
  if (!hello_.empty()) {
    // Queued without writing yet: it goes out in the same write as the
    // replayed events drained below.
    auto frame = std::make_shared<const std::string>(core::WsFrame(hello_));
    wire().Send(frame, asio::buffer(*frame));
    hello_.clear();
  }
  // While a write is in flight, events stay in the hub queue, where a newer
  // incident_updated replaces an older one of the same incident.
  if (sub_ && !wire().writing()) {
    drained_.clear();
    if (!sub_->Drain(&drained_)) {
      DropTooSlow();
      return;
    }
    for (auto& f : drained_) {
      const std::string_view bytes = f->bytes();
      wire().Send(std::move(f), asio::buffer(bytes.data(), bytes.size()));
      ObserveWsFrameSent();
    }
    drained_.clear();
  }
  wire().Flush();
}

void WsSession::DropTooSlow() {
  spdlog::info("ws {}: disconnecting user {}: too slow: its queue of live events overflowed", request_id_, user_id_);
  // 1013: the client may reconnect (with last_event_id) later. The close
  // frame waits behind the frames already handed to the socket; a client
  // that reads nothing is closed hard by CloseWith's timer.
  CloseWith(websocket::close_code::try_again_later, "too slow: live events overflowed; reconnect");
}

void WsSession::CloseWith(websocket::close_code code, const char* reason) {
  if (closing_) return;
  closing_ = true;
  if (sub_) ep_->hub->Unsubscribe(sub_);
  recheck_timer_.cancel();
  timer_.cancel();
  timer_.expires_after(std::chrono::seconds(2));
  timer_.async_wait([self = shared_from_this()](const error_code& e) {
    if (e) return;
    error_code ignored;
    beast::get_lowest_layer(self->ws_).close(ignored);
  });
  // Beast's close frame joins the socket's write queue behind what is
  // already there (ws_wire.h), so it never cuts a frame in two.
  ws_.async_close(websocket::close_reason(code, reason), [self = shared_from_this()](const error_code&) {
    self->timer_.cancel();
    error_code ignored;
    beast::get_lowest_layer(self->ws_).close(ignored);
  });
}

void WsSession::Abort(const char* why) {
  if (why != nullptr && !closing_) spdlog::info("ws {}: disconnecting user {}: {}", request_id_, user_id_, why);
  closing_ = true;
  if (sub_) ep_->hub->Unsubscribe(sub_);
  recheck_timer_.cancel();
  timer_.cancel();
  error_code ignored;
  auto& sock = beast::get_lowest_layer(ws_);
  sock.shutdown(asio::ip::tcp::socket::shutdown_both, ignored);
  sock.close(ignored);
}

void WsSession::Shutdown() {
  asio::post(ws_.get_executor(), [self = shared_from_this()] {
    if (self->closing_) {
      error_code ignored;
      beast::get_lowest_layer(self->ws_).close(ignored);
      return;
    }
    if (self->ws_.is_open()) {
      self->CloseWith(websocket::close_code::going_away, "server shutting down");
    } else {
      self->Abort(nullptr);
    }
  });
}

}  // namespace aw::http
