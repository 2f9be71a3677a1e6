// The HTTP/1.1 request parser (http/request_parser.h, driven as
// http/connection.cc drives it) and the target's decoding (ParseTarget).
//
// Input: byte 0 chooses where the rest is cut in two reads; the rest is what
// a client sends (several pipelined requests allowed).
// Invariants: the same bytes give the same requests however the reads are
// cut (an error may show only once more bytes came); a request's path starts with '/'; the body never exceeds
// the limit.

#include <algorithm>
#include <boost/asio/buffer.hpp>
#include <boost/beast/http/error.hpp>
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "fuzz_util.h"
#include "http/request.h"
#include "http/request_parser.h"

namespace {

namespace http = aw::http;
constexpr size_t kBodyLimit = 64 * 1024;  // the server's limits, smaller: faster runs
constexpr uint32_t kHeaderLimit = 4 * 1024;
constexpr int kMaxRequests = 8;

struct Outcome {
  std::vector<http::Request> requests;
  std::string error;  // the parse error that ended the connection, "" if none
  std::string summary() const { return std::to_string(requests.size()) + " requests, error '" + error + "'"; }
};

// Feeds `chunks` as successive reads, as Connection::Parse does: the
// unconsumed bytes stay in the buffer and the next read is appended.
Outcome Run(const std::vector<std::string_view>& chunks) {
  Outcome out;
  std::string buffer;
  size_t next_chunk = 0;
  while (static_cast<int>(out.requests.size()) < kMaxRequests) {
    http::Request req;
    http::RequestParser parser(&req);
    parser.header_limit(kHeaderLimit);
    parser.body_limit(kBodyLimit);
    parser.eager(true);
    bool done = false;
    for (;;) {
      if (buffer.empty()) {
        if (next_chunk == chunks.size()) break;
        buffer.append(chunks[next_chunk++]);
        continue;
      }
      boost::beast::error_code ec;
      size_t used = parser.put(boost::asio::buffer(buffer.data(), buffer.size()), ec);
      buffer.erase(0, used);
      if (ec == boost::beast::http::error::need_more) {
        if (next_chunk == chunks.size()) break;
        buffer.append(chunks[next_chunk++]);
        continue;
      }
      if (ec) {
        out.error = ec.message();
        return out;
      }
      if (parser.is_done()) {
        done = true;
        break;
      }
      if (used == 0) {
        if (next_chunk == chunks.size()) break;
        buffer.append(chunks[next_chunk++]);
      }
    }
    if (!done) return out;
    FUZZ_CHECK(req.body.size() <= kBodyLimit, "body over the limit");
    if (http::ParseTarget(req)) {
      FUZZ_CHECK(!req.path.empty() && req.path.front() == '/', req.target);
    } else {
      req.path = "<malformed>";
    }
    (void)req.Header("Content-Type");
    (void)req.QueryParam("limit");
    bool upgrade = parser.upgrade();
    out.requests.push_back(std::move(req));
    if (upgrade) return out;  // the connection becomes a WebSocket
  }
  return out;
}

bool Same(const http::Request& a, const http::Request& b) {
  return a.method == b.method && a.target == b.target && a.path == b.path && a.body == b.body &&
         a.headers == b.headers && a.query == b.query;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 1) return 0;
  std::string_view input = aw::fuzz::AsText(data + 1, size - 1);
  const size_t cut = input.size() * data[0] / 256;
  Outcome whole = Run({input});
  Outcome split = Run({input.substr(0, cut), input.substr(cut)});
  // Beast may see a malformed head only once more bytes came (the connection
  // then waits for them until its header deadline): an error on one side may
  // be "still waiting" ("") on the other, never a different error or request.
  // Its header-size limit is not exact across reads: it counts what it has
  // buffered, so a head near the limit may be refused for its size when read
  // whole and not when split, or the other way round (found by fresh fuzz
  // runs; a few bytes either side of a resource bound, not a parsing
  // difference). Then only the requests both sides read are compared.
  auto by_size = [](const std::string& e) { return e == "header limit exceeded"; };
  const bool size_refusal = by_size(whole.error) || by_size(split.error);
  const size_t both = std::min(whole.requests.size(), split.requests.size());
  FUZZ_CHECK(size_refusal || (whole.requests.size() == split.requests.size() &&
                              (whole.error == split.error || whole.error.empty() || split.error.empty())),
             whole.summary() + " vs " + split.summary() + " when cut at " + std::to_string(cut));
  for (size_t i = 0; i < both; ++i) {
    FUZZ_CHECK(Same(whole.requests[i], split.requests[i]), "request " + std::to_string(i) + " differs");
  }
  return 0;
}
