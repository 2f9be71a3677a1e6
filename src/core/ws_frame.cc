#include "core/ws_frame.h"

namespace aw::core {

namespace {

// Writes the header for `payload_size` at `out` (WsHeaderSize bytes).
void WriteHeader(char* out, size_t payload_size, WsOpcode op) {
  out[0] = static_cast<char>(0x80 | static_cast<uint8_t>(op));  // FIN, no RSV bits
  if (payload_size <= 125) {
    out[1] = static_cast<char>(payload_size);  // mask bit clear: server frames are unmasked
    return;
  }
  if (payload_size <= 0xFFFF) {
    out[1] = static_cast<char>(126);
    out[2] = static_cast<char>((payload_size >> 8) & 0xFF);
    out[3] = static_cast<char>(payload_size & 0xFF);
    return;
  }
  out[1] = static_cast<char>(127);
  const auto n = static_cast<uint64_t>(payload_size);
  for (int i = 0; i < 8; ++i) out[2 + i] = static_cast<char>((n >> (8 * (7 - i))) & 0xFF);  // network order
}

}  // namespace

size_t WsHeaderSize(size_t payload_size) {
  if (payload_size <= 125) return 2;
  if (payload_size <= 0xFFFF) return 4;
  return 10;
}

std::string WsFrame(std::string_view payload, WsOpcode op) {
  std::string out(WsHeaderSize(payload.size()), '\0');
  WriteHeader(out.data(), payload.size(), op);
  out.append(payload);
  return out;
}

size_t WsFrameInPlace(std::string& buf, WsOpcode op) {
  const size_t payload_size = buf.size() - kWsMaxHeaderBytes;
  const size_t offset = kWsMaxHeaderBytes - WsHeaderSize(payload_size);
  WriteHeader(buf.data() + offset, payload_size, op);
  return offset;
}

std::optional<WsHeader> ParseWsHeader(std::string_view bytes) {
  if (bytes.size() < 2) return std::nullopt;
  const auto b0 = static_cast<uint8_t>(bytes[0]);
  const auto b1 = static_cast<uint8_t>(bytes[1]);
  WsHeader h;
  h.fin = (b0 & 0x80) != 0;
  h.opcode = static_cast<WsOpcode>(b0 & 0x0F);
  h.masked = (b1 & 0x80) != 0;
  const uint8_t len7 = b1 & 0x7F;
  size_t ext = len7 == 126 ? 2 : len7 == 127 ? 8 : 0;
  h.header_size = 2 + ext + (h.masked ? 4 : 0);
  if (bytes.size() < h.header_size) return std::nullopt;
  if (ext == 0) {
    h.payload_size = len7;
  } else {
    for (size_t i = 0; i < ext; ++i)
      h.payload_size = (h.payload_size << 8) | static_cast<uint8_t>(bytes[2 + i]);
  }
  return h;
}

}  // namespace aw::core
