#pragma once

// The connection handed to an UpgradeHandler (see http/server.h). Includes
// Asio: include this only in the file that implements an upgrade (e.g. the
// WebSocket endpoint), never in a widely included header.
//
// To accept a WebSocket: rebuild a beast::http::request from `request`
// (method, target, headers) and call websocket::stream::async_accept on a
// stream built from `socket`. `buffered` holds bytes the client sent after
// the upgrade request (usually empty, since the client waits for 101).

#include <string>

#include <boost/asio/ip/tcp.hpp>

#include "http/request.h"

namespace aw::http {

struct Upgrade {
  Request request;                      // path, query, headers, request_id, remote_ip
  boost::asio::ip::tcp::socket socket;  // bound to the connection's io thread
  std::string buffered;
};

}  // namespace aw::http
