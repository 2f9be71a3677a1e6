#pragma once

// Cutting UTF-8 text to a byte budget without splitting a character: a cut
// one is invalid UTF-8, which nlohmann's dump() (every store write and JSON
// answer) refuses with an exception. Pure; thread-safe.

#include <cstddef>
#include <string_view>

namespace aw {

// The longest prefix of `s` of at most `max_bytes` that does not end inside
// a UTF-8 sequence (continuation bytes 10xxxxxx after the cut are left out).
inline std::string_view Utf8Prefix(std::string_view s, size_t max_bytes) {
  if (s.size() <= max_bytes) return s;
  size_t n = max_bytes;
  while (n > 0 && (static_cast<unsigned char>(s[n]) & 0xC0) == 0x80) --n;
  return s.substr(0, n);
}

}  // namespace aw
