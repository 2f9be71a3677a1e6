#pragma once

// The WebSocket endpoint GET /ws: live events from the EventHub to signed-in
// users. This header pulls in no Beast or Asio (the implementation is in
// ws_endpoint.cc / ws_session.cc).
//
// Protocol (docs/api.md, "Live updates"):
//   - Authentication: `?token=<access JWT>` (or `Authorization: Bearer`) on
//     the upgrade request — an invalid token is answered 401 before the
//     upgrade; without one, the first message must be
//     {"type":"auth","token":...} within `auth_timeout`, else the server
//     closes with 1008 (policy violation).
//   - `?last_event_id=<id>` (or "last_event_id" in the auth message): events
//     after that id still in the hub's replay window are sent first.
//   - The first frame is {"type":"connected","data":{user_id, role,
//     last_event_id, replayed, replay_complete}}; then events as
//     {"type","data","id"}. "ping" or {"type":"ping"} is answered {"type":"pong"}.
//   - Events go out pre-framed, several per write (ws_wire.h); a queued
//     incident_updated is replaced by a newer one of the same incident
//     (services/event_hub.h).
//   - A client that does not keep up (its hub queue overflows) is
//     disconnected (1013); writes never block other clients or the publisher.
//
// Thread safety: Handler() may run on any worker thread; CloseAll() from any
// thread. CloseAll() must run before the Server is stopped (the sockets
// belong to the server's io threads).

#include <chrono>
#include <cstddef>
#include <memory>

#include "http/server.h"
#include "services/identity/auth_service.h"
#include "services/event_hub.h"

namespace aw::http {

struct WsOptions {
  std::chrono::milliseconds auth_timeout{5000};
  size_t max_message_bytes = 64 * 1024;  // from a client
  size_t max_connections = 20000;
  // A connection with no traffic is pinged after half of this and closed
  // when the peer stays silent for all of it.
  std::chrono::seconds idle_timeout{60};
  // An open connection's token is checked again this often: when it has
  // expired or was revoked, or its user was deleted or given another role
  // or other companies, the connection is closed (1008).
  std::chrono::seconds recheck_interval{60};
};

class WsEndpoint {
 public:
  WsEndpoint(services::EventHub* hub, services::AuthService* auth, WsOptions opts = {});
  ~WsEndpoint();  // CloseAll()
  WsEndpoint(const WsEndpoint&) = delete;
  WsEndpoint& operator=(const WsEndpoint&) = delete;

  // Registers the endpoint on `server` at /ws. REQUIRES: before server.Start().
  void Install(Server& server);
  UpgradeHandler Handler();

  // Refuses new connections, closes every open one (1001 going away) and
  // waits until they are gone (at most `timeout`). Idempotent.
  void CloseAll(std::chrono::milliseconds timeout = std::chrono::milliseconds(5000));

  size_t connections() const;

  struct Impl;

 private:
  std::unique_ptr<Impl> impl_;
};

}  // namespace aw::http
