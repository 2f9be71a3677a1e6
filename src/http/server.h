#pragma once

// Server: HTTP/1.1 (and 1.0) on Boost.Beast, behind a pimpl so that this
// header pulls in no Beast or Asio.
//
// Threads: `io_threads` threads each run their own io_context; a connection
// lives on one of them for its whole life (so its handlers never race, no
// strand needed). Each complete request is handed to a pool of
// `worker_threads` threads, where Router::Dispatch runs (handlers may block);
// the response is serialised there and written back on the connection's io
// thread. Requests on one connection are answered in order, one at a time
// (pipelined requests wait in the read buffer).
//
// Protocol behaviour:
//   - keep-alive per HTTP/1.1 / 1.0 rules; `Expect: 100-continue` honoured.
//   - header larger than max_header_bytes -> 431 and close.
//   - Content-Length larger than max_body_bytes -> 413 before the body is read;
//     a chunked body that grows past it -> 413; both close the connection.
//   - unparsable request -> 400 and close.
//   - request line and headers not complete within header_timeout (of the
//     connection's start for its first request, of the first byte for a
//     later one), a request not complete within read_timeout of its first
//     byte, or no byte within idle_timeout on a kept-alive connection ->
//     connection closed.
//   - at most max_connections at once and max_connections_per_ip from one
//     client address (0: no cap), upgraded connections (WebSockets) included
//     while their handler holds Upgrade::slot. Over the global cap a new
//     connection replaces the connection idle the longest (waiting for a
//     request; never an upgraded one); if none is idle it is closed at once,
//     as is one over the per-address cap.
//     Refusals are logged at most once per 10 s, with counts.
//   - accept() failing (EMFILE, ENFILE, ...) backs off from 50 ms to 1 s and
//     is logged at most once per 10 s.
//   - every response carries X-Request-ID (the client's, if it is 1-64 chars of
//     [A-Za-z0-9._-]; else a generated one), Content-Type and Date.
//   - one access-log line per request (spdlog, info): request id, remote ip,
//     method, path without the query string, status, body bytes, duration ms.
//
// Thread safety: Start, Stop and Wait may be called from any thread, but Start
// at most once. SetUpgradeHandler must be called before Start.

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "base/status.h"
#include "http/router.h"

namespace aw::http {

struct ServerOptions {
  std::string address = "0.0.0.0";
  uint16_t port = 8001;  // 0 = any free port; see Server::port()
  int io_threads = 2;
  int worker_threads = 32;
  size_t max_body_bytes = 1 << 20;
  size_t max_header_bytes = 16 * 1024;
  std::chrono::seconds header_timeout{10};
  std::chrono::seconds read_timeout{30};
  std::chrono::seconds idle_timeout{75};
  size_t max_connections = 10000;      // 0: no cap
  size_t max_connections_per_ip = 256;  // 0: no cap
  // How long Stop() lets in-flight requests finish before closing connections.
  std::chrono::seconds drain_timeout{10};
  bool access_log = true;
};

// A connection taken over by an upgrade handler (defined in http/upgrade.h,
// which does include Asio).
struct Upgrade;
// Called on a worker thread; owns the connection from then on (Stop() does
// not wait for it; the caps count it while the handler holds Upgrade::slot).
using UpgradeHandler = std::function<void(Upgrade&&)>;

class Server {
 public:
  // REQUIRES: `router` outlives the server and is not modified after Start().
  Server(ServerOptions opts, const Router* router);
  ~Server();  // calls Stop()
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  // A GET request to `path` (exact, no query) carrying `Upgrade:` and
  // `Connection: upgrade` is handed to `handler` instead of the router.
  // This is the hook for the WebSocket endpoint (/ws).
  void SetUpgradeHandler(std::string path, UpgradeHandler handler);

  // Binds, listens and starts the threads. Error status (kUnavailable)
  // naming address:port when it cannot bind (e.g. the port is busy) and
  // kInvalidArgument for an unparsable address.
  Status Start();
  // The bound port (useful when opts.port == 0). 0 before Start().
  uint16_t port() const;
  // Graceful: stops accepting, closes idle keep-alive connections, lets
  // in-flight requests finish (their responses carry Connection: close),
  // then closes what is left and joins all threads, all by `deadline`
  // (default: drain_timeout from now) - unless a handler never returns,
  // which makes Stop() wait for it. Idempotent.
  void Stop();
  void Stop(std::chrono::steady_clock::time_point deadline);
  // Blocks until Stop() has completed.
  void Wait();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// The request id of the request the calling worker thread is handling; ""
// on any other thread or between requests.
std::string_view CurrentRequestId();

}  // namespace aw::http
