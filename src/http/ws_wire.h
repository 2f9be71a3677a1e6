#pragma once

// Internal to the WebSocket endpoint (ws_session.cc): the layer under
// Beast's websocket::stream. Includes Beast and Asio.
//
// Why: Beast writes one frame per async_write, one system call each; with
// 1,000 clients and hundreds of events a second that is hundreds of
// thousands of writes. Here every event is encoded once as a complete frame
// (services::EncodeEvent) shared by all recipients, and all frames queued
// for a socket go out in one gather write.
//
// Safety: Beast still reads (unmasking, fragments, control frames), answers
// pings, sends keep-alive pings, runs the handshake and the close handshake,
// and those writes of its own must never land in the middle of one of our
// frames. So the socket has exactly one writer, here: Beast's writes reach
// this layer through async_write_some, are copied into the same ordered
// queue as the session's frames and reported complete at once (Beast always
// hands over a whole frame or handshake response at a time, so a Beast frame
// is never split). Once Beast has queued a close frame, data frames are
// refused (RFC 6455 5.5.1), and the TCP teardown Beast starts after the
// close handshake waits until the queue has been written (async_teardown
// below).
//
// Threads: everything on the connection's io thread (one thread per
// io_context); not thread-safe.

#include <boost/asio/buffer.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/beast/core/bind_handler.hpp>
#include <boost/beast/core/role.hpp>
#include <boost/beast/websocket/teardown.hpp>
#include <cstddef>
#include <deque>
#include <functional>
#include <memory>
#include <string>
#include <utility>
#include <vector>

namespace aw::http {

class WsWire {
 public:
  using socket_type = boost::asio::ip::tcp::socket;
  using executor_type = socket_type::executor_type;
  using error_code = boost::system::error_code;

  explicit WsWire(socket_type socket) : socket_(std::move(socket)), flushed_(socket_.get_executor()) {}
  WsWire(const WsWire&) = delete;
  WsWire& operator=(const WsWire&) = delete;

  executor_type get_executor() noexcept { return socket_.get_executor(); }
  // beast::get_lowest_layer() finds the socket through this.
  socket_type& next_layer() { return socket_; }
  const socket_type& next_layer() const { return socket_; }

  // `owner` is kept alive while a write is in flight; `on_idle` runs when a
  // write completes (the owner then queues more). REQUIRES: before any write.
  void SetOwner(std::weak_ptr<void> owner, std::function<void()> on_idle) {
    owner_ = std::move(owner);
    on_idle_ = std::move(on_idle);
  }

  // Queues one complete frame; `keep` owns the bytes until written. False
  // (and dropped) once a close frame was queued or the socket failed.
  bool Send(std::shared_ptr<const void> keep, boost::asio::const_buffer bytes);
  // Starts writing what is queued, if no write is in flight.
  void Flush();

  bool writing() const { return writing_; }
  size_t queued() const { return queue_.size(); }  // waiting behind the write in flight
  bool close_queued() const { return close_queued_; }

  // Beast's reads go straight to the socket.
  template <class MutableBuffers, class ReadHandler>
  auto async_read_some(const MutableBuffers& buffers, ReadHandler&& handler) {
    return socket_.async_read_some(buffers, std::forward<ReadHandler>(handler));
  }

  // Beast's writes: copied into the queue in order and complete at once.
  template <class ConstBuffers, class WriteHandler>
  auto async_write_some(const ConstBuffers& buffers, WriteHandler&& handler) {
    const size_t n = boost::asio::buffer_size(buffers);
    auto copy = std::make_shared<std::string>(n, '\0');
    boost::asio::buffer_copy(boost::asio::buffer(copy->data(), n), buffers);
    const bool ok = QueueFromBeast(std::move(copy));
    return boost::asio::async_initiate<WriteHandler, void(error_code, size_t)>(
        [](auto h, executor_type ex, error_code ec, size_t written) {
          boost::asio::post(ex, boost::beast::bind_front_handler(std::move(h), ec, written));
        },
        handler, get_executor(), ok ? error_code() : error_code(boost::asio::error::broken_pipe), ok ? n : 0);
  }

  // Calls `handler(error_code)` once everything queued has been written (or
  // the socket failed).
  template <class Handler>
  void AsyncWaitFlushed(Handler&& handler) {
    if ((!writing_ && queue_.empty()) || failed_) {
      boost::asio::post(get_executor(),
                        boost::beast::bind_front_handler(std::forward<Handler>(handler), error_code()));
      return;
    }
    flushed_.expires_at(boost::asio::steady_timer::time_point::max());
    flushed_.async_wait(std::forward<Handler>(handler));  // cancelled (woken) when the queue is empty
  }

 private:
  struct Chunk {
    std::shared_ptr<const void> keep;
    boost::asio::const_buffer bytes;
  };

  bool QueueFromBeast(std::shared_ptr<std::string> bytes);
  void OnWritten(const error_code& ec);

  socket_type socket_;
  boost::asio::steady_timer flushed_;
  std::weak_ptr<void> owner_;
  std::function<void()> on_idle_;
  std::deque<Chunk> queue_;
  std::vector<Chunk> inflight_;
  std::vector<boost::asio::const_buffer> buffers_;  // of inflight_, alive during the write
  bool writing_ = false;
  bool failed_ = false;
  bool close_queued_ = false;
};

// Found by Beast through argument-dependent lookup: the TCP teardown after
// the close handshake waits until the queue (with the close frame) is out.
template <class TeardownHandler>
void async_teardown(boost::beast::role_type role, WsWire& wire, TeardownHandler&& handler) {
  wire.AsyncWaitFlushed(
      [&wire, role, h = std::forward<TeardownHandler>(handler)](const boost::system::error_code&) mutable {
        boost::beast::websocket::async_teardown(role, wire.next_layer(), std::move(h));
      });
}

inline void teardown(boost::beast::role_type role, WsWire& wire, boost::system::error_code& ec) {
  boost::beast::websocket::teardown(role, wire.next_layer(), ec);
}

}  // namespace aw::http
