#pragma once

// Internal to the WebSocket endpoint (ws_endpoint.cc, ws_session.cc).
// Includes Beast and Asio: never include it anywhere else.

#include <condition_variable>
#include <deque>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/thread_pool.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/message.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/websocket/stream.hpp>

#include "http/ws_endpoint.h"
#include "http/ws_wire.h"
#include "services/identity/principal.h"

namespace aw::http {

class WsSession;

// Coalesces wake-ups of the sessions of one io thread: a publisher marks
// sessions ready and posts at most one handler per io thread, instead of one
// per session (a post to an idle io_context costs a syscall on the
// publisher's thread, which is the request path).
class WakeBatcher : public std::enable_shared_from_this<WakeBatcher> {
 public:
  explicit WakeBatcher(boost::asio::any_io_executor ex) : ex_(std::move(ex)) {}
  void Schedule(std::weak_ptr<WsSession> s);

 private:
  void Run();
  boost::asio::any_io_executor ex_;
  std::mutex mu_;
  std::vector<std::weak_ptr<WsSession>> ready_;
  bool scheduled_ = false;
};

struct WsEndpoint::Impl {
  services::EventHub* hub = nullptr;
  services::AuthService* auth = nullptr;
  WsOptions opts;
  // Message authentication reads the store: kept off the io threads.
  boost::asio::thread_pool auth_pool{1};

  std::mutex mu;
  std::condition_variable cv;
  bool stopping = false;
  std::unordered_map<WsSession*, std::weak_ptr<WsSession>> live;
  // One per io thread (keyed by its execution context).
  std::unordered_map<const void*, std::shared_ptr<WakeBatcher>> batchers;

  std::shared_ptr<WakeBatcher> BatcherFor(const boost::asio::any_io_executor& ex);

  // False when stopping or full (the caller then closes the socket).
  bool Register(const std::shared_ptr<WsSession>& s);
  void Unregister(WsSession* s);
};

class WsSession : public std::enable_shared_from_this<WsSession> {
 public:
  using Request = boost::beast::http::request<boost::beast::http::string_body>;

  // `slot` counts the socket against the server's connection caps while the
  // session lives (http/upgrade.h).
  WsSession(WsEndpoint::Impl* ep, boost::asio::ip::tcp::socket socket, std::string request_id,
            std::shared_ptr<void> slot);
  ~WsSession();

  // Accepts the upgrade. With a principal the session is live at once;
  // without, it waits for an auth message.
  void Run(Request req, std::optional<services::Principal> principal, std::string token, uint64_t after_id);
  // Server shutdown: close politely if possible, else hard. Any thread.
  void Shutdown();
  // Drains the hub queue and writes. On the session's io thread.
  void Pump();

 private:
  void OnAccept(const boost::system::error_code& ec);
  void Read();
  void OnRead(const boost::system::error_code& ec, std::size_t n);
  void HandleText(const std::string& text);
  void Authenticate(std::string token);
  void Start(const services::Principal& p);
  // Checks token_ again off the io thread (ScheduleRecheck: after the
  // interval); the connection is closed unless it still stands for the
  // same user with the same scope.
  void ScheduleRecheck();
  void Recheck();
  bool SameScope(const services::Principal& p) const;
  // Queues a text frame of the session's own (hello, pong).
  void SendText(std::string_view text);
  // Cuts off a client whose hub queue overflowed: a log line, then 1013.
  void DropTooSlow();
  void CloseWith(boost::beast::websocket::close_code code, const char* reason);
  void Abort(const char* why);

  WsWire& wire() { return ws_.next_layer(); }

  WsEndpoint::Impl* ep_;
  boost::beast::websocket::stream<WsWire> ws_;
  boost::asio::steady_timer timer_;
  boost::asio::steady_timer recheck_timer_;
  boost::beast::flat_buffer buffer_;
  Request request_;
  std::string request_id_;
  std::shared_ptr<void> slot_;
  std::string user_id_;
  std::string token_;  // the access token the session stands on
  services::Role role_ = services::Role::kClient;
  std::vector<std::string> company_ids_;
  bool recheck_pending_ = false;
  uint64_t after_id_ = 0;
  bool authed_ = false;
  bool auth_pending_ = false;
  bool accepted_ = false;
  bool closing_ = false;
  std::shared_ptr<services::Subscription> sub_;
  std::string hello_;  // the "connected" frame's text, until it is queued
  std::vector<services::Frame> drained_;  // reused by Pump
};

}  // namespace aw::http
