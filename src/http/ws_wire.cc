#include "http/ws_wire.h"

#include <boost/asio/write.hpp>

namespace aw::http {

namespace asio = boost::asio;

namespace {
// A close frame as Beast writes it: FIN and opcode 8 (RFC 6455 5.5.1). The
// handshake response Beast also writes starts with 'H' (0x48), never 0x88.
constexpr unsigned char kCloseFrameFirstByte = 0x88;
}  // namespace

bool WsWire::Send(std::shared_ptr<const void> keep, asio::const_buffer bytes) {
  if (failed_ || close_queued_) return false;
  queue_.push_back({std::move(keep), bytes});
  return true;
}

bool WsWire::QueueFromBeast(std::shared_ptr<std::string> bytes) {
  if (failed_) return false;
  if (!bytes->empty() && static_cast<unsigned char>((*bytes)[0]) == kCloseFrameFirstByte)
    close_queued_ = true;
  asio::const_buffer b = asio::buffer(*bytes);
  queue_.push_back({std::move(bytes), b});
  Flush();
  return true;
}

void WsWire::Flush() {
  if (writing_ || failed_ || queue_.empty()) return;
  auto owner = owner_.lock();
  if (!owner) return;  // the session is going away: nothing more is written
  writing_ = true;
  inflight_.clear();
  buffers_.clear();
  for (auto& c : queue_) {
    buffers_.push_back(c.bytes);
    inflight_.push_back(std::move(c));
  }
  queue_.clear();
  // One gather write for everything queued (Asio passes up to 64 buffers
  // to each writev).
  asio::async_write(socket_, buffers_,
                    [this, owner = std::move(owner)](const error_code& ec, std::size_t) { OnWritten(ec); });
}

void WsWire::OnWritten(const error_code& ec) {
  writing_ = false;
  inflight_.clear();
  if (ec) {
    // The read side sees the same failure; the owner closes.
    failed_ = true;
    queue_.clear();
    flushed_.cancel();
    return;
  }
  if (on_idle_) on_idle_();  // the owner queues more (and flushes)
  Flush();
  if (!writing_ && queue_.empty()) flushed_.cancel();
}

}  // namespace aw::http
