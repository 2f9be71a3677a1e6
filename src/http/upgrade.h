#pragma once

// The connection handed to an UpgradeHandler (see http/server.h). Includes
// Asio: include this only in the file that implements an upgrade (e.g. the
// WebSocket endpoint), never in a widely included header.
//
// To accept a WebSocket: rebuild a beast::http::request from `request`
// (method, target, headers) and call websocket::stream::async_accept on a
// stream built from `socket`. `buffered` holds bytes the client sent after
// the upgrade request (usually empty, since the client waits for 101).
//
// The socket stays bound to the server's io thread: its owner must close it
// (and let its pending operations finish) before the Server is destroyed,
// since the io_context is destroyed with the Server. Server::Stop() does not
// wait for upgraded connections.

#include <memory>
#include <string>

#include <boost/asio/ip/tcp.hpp>

#include "http/request.h"

namespace aw::http {

struct Upgrade {
  Request request;                      // path, query, headers, request_id, remote_ip
  boost::asio::ip::tcp::socket socket;  // bound to the connection's io thread
  std::string buffered;
  // Counts this connection against the server's caps (ServerOptions: global
  // and per address) while it is held: keep it as long as the socket.
  std::shared_ptr<void> slot;
};

}  // namespace aw::http
