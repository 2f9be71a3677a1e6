#pragma once

// Internal to http/: one accepted TCP connection.
//
// Lives on one io thread (the executor of its socket): every member function
// but RunHandler and Finish runs there, so no member needs a lock. RunHandler
// runs on a worker thread, and Finish on whichever thread answers, while the
// connection is in kHandling, when the io thread touches nothing but the
// timer (which ignores kHandling).
//
// Life of a request: BeginRequest -> (ReadMore <-> Parse) -> OnRequestComplete
// -> worker: RunHandler (Dispatch) -> Finish (serialise + access log) ->
// StartWrite -> OnWrite -> BeginRequest (keep-alive) or LingeringClose.
// An inline route (Router::AddInline) runs RunInline on the io thread
// instead; its handler answers at once or later, from any thread, through
// Request::respond_later, which calls Finish.

#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/beast/core/flat_buffer.hpp>

#include "http/request.h"
#include "http/request_parser.h"
#include "http/server_core.h"

namespace aw::http {

class Connection : public std::enable_shared_from_this<Connection> {
 public:
  // `remote_ip` was counted in core->per_ip by the admission.
  Connection(ServerCore* core, boost::asio::ip::tcp::socket socket, std::string remote_ip);
  ~Connection();

  // Post these to the connection's executor (they are not thread-safe).
  void Start();
  // Server stopping: close now if idle with nothing received, else after
  // answering the requests that had already arrived.
  void Shutdown();
  // Close whatever the state (the worker, if any, still finishes).
  void ForceClose();
  // Over the connection cap: close if still waiting for a request.
  void EvictIfIdle();

  // Since when (steady clock, ns) it waits for a request; 0 while a request
  // is in progress or once closed. Read from any thread (the admission).
  int64_t idle_since_ns() const { return idle_since_ns_.load(std::memory_order_relaxed); }
  // Chosen for eviction: no longer a candidate (so one eviction makes room
  // for one connection, even before EvictIfIdle has run).
  void MarkEvicting() { idle_since_ns_.store(0, std::memory_order_relaxed); }
  const boost::asio::any_io_executor& executor() const { return executor_; }

 private:
  using Clock = std::chrono::steady_clock;
  enum class State { kIdle, kReading, kHandling, kWriting, kClosing, kClosed, kUpgraded };

  void BeginRequest();
  void ReadMore();
  void OnRead(const boost::system::error_code& ec, size_t n);
  void Parse();
  bool OnHeaderDone();  // false when it took over the flow (wrote 100 Continue)
  void OnParseError(const boost::system::error_code& ec);
  void OnRequestComplete();
  void HandOffUpgrade();
  void RunHandler(std::shared_ptr<Connection> self);  // worker thread
  // Runs an inline route's handler on the io thread (Router::AddInline).
  void RunInline();
  // Serialises the response and queues its write; from any thread while the
  // connection is in kHandling (once per request).
  void Finish(std::shared_ptr<Connection> self, Response resp);
  void StartWrite();
  void OnWrite(const boost::system::error_code& ec);
  // Fills request_id, remote_ip, path and query. False on a malformed target.
  bool PrepareRequest();
  // Answers with an error built on the io thread, then closes.
  void FailRequest(unsigned status, const char* code, const std::string& detail);
  // Also observes the request's metrics (http/http_metrics.h).
  void LogAccess(unsigned status, size_t bytes, std::string_view error_code = {}) const;
  // Sends FIN, then reads and discards what the client still sends (briefly),
  // so that unread request bytes do not turn our close into a reset that
  // destroys the response in flight.
  void LingeringClose();
  void Drain();
  void Close();
  void SetIdle(bool idle);
  // Request bytes received but not yet parsed (ours or the kernel's buffer).
  bool InputWaiting();
  void ArmTimer();
  void OnTimer(const boost::system::error_code& ec);

  ServerCore* core_;
  const boost::asio::any_io_executor executor_;
  boost::asio::ip::tcp::socket socket_;
  boost::asio::steady_timer timer_;
  boost::beast::flat_buffer buffer_;
  std::optional<RequestParser> parser_;
  Request req_;
  std::string remote_ip_;

  State state_ = State::kIdle;
  bool header_done_ = false;
  bool keep_alive_ = true;
  bool shutdown_requested_ = false;
  bool head_request_ = false;
  bool first_request_ = true;  // its header deadline counts from the connection's start
  int version_ = 11;
  size_t drained_ = 0;
  Clock::time_point deadline_ = Clock::time_point::max();
  Clock::time_point request_start_;
  std::atomic<int64_t> idle_since_ns_{0};

  std::string head_;  // serialised status line + headers of the response being written
  std::string body_;  // body of the response being written
};

}  // namespace aw::http
