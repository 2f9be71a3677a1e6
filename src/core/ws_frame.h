#pragma once

// WebSocket frames as a server sends them (RFC 6455 section 5.2): one final
// frame (FIN set), no extension bits (no permessage-deflate), unmasked (only
// a client masks), with the payload length in 7, 16 or 64 bits. Pure: the
// live-update fan-out encodes each event once and writes the same bytes to
// every recipient's socket.

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace aw::core {

enum class WsOpcode : uint8_t { kText = 0x1, kBinary = 0x2, kClose = 0x8, kPing = 0x9, kPong = 0xA };

// The most a server frame's header takes (2 bytes + a 64-bit length).
inline constexpr size_t kWsMaxHeaderBytes = 10;

// The size of the header of a frame carrying `payload_size` bytes: 2, 4 or 10.
size_t WsHeaderSize(size_t payload_size);

// One complete frame: header followed by `payload`.
std::string WsFrame(std::string_view payload, WsOpcode op = WsOpcode::kText);

// Encodes in place, without copying the payload: `buf` holds
// kWsMaxHeaderBytes reserved bytes followed by the payload. Writes the header
// right before the payload and returns the offset at which the frame starts
// (kWsMaxHeaderBytes - WsHeaderSize(payload size)).
// REQUIRES: buf.size() >= kWsMaxHeaderBytes.
size_t WsFrameInPlace(std::string& buf, WsOpcode op = WsOpcode::kText);

// What the header at the start of `bytes` says, when complete.
struct WsHeader {
  bool fin = false;
  WsOpcode opcode = WsOpcode::kText;
  bool masked = false;
  size_t header_size = 0;  // including the masking key, if any
  uint64_t payload_size = 0;
};
std::optional<WsHeader> ParseWsHeader(std::string_view bytes);

}  // namespace aw::core
