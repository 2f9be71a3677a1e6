#pragma once

// Internal to http/: the pieces of a response the server adds around a
// handler's Response. No Beast or Asio here; thread-safe (thread-local caches).

#include <string>
#include <string_view>

#include "http/request.h"

namespace aw::http {

// True for 1-64 characters of [A-Za-z0-9._-]: a client X-Request-ID we echo.
bool IsAcceptableRequestId(std::string_view id);

// A fresh 32-hex-digit id.
std::string NewRequestId();

// Writes the status line and headers (ending with the blank line) of `resp`
// into *out (cleared first, capacity kept). Content-Length is `body_size`
// except for 1xx/204/304, which get none. `version` is 10 or 11 (the
// request's); it decides how keep-alive is spelled.
void SerializeHead(const Response& resp, std::string_view request_id, bool keep_alive, int version,
                   size_t body_size, std::string* out);

}  // namespace aw::http
