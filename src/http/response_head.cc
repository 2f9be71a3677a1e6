#include "http/response_head.h"

#include <charconv>
#include <ctime>
#include <random>

#include <boost/beast/http/status.hpp>

namespace aw::http {
namespace {

void AppendNumber(uint64_t v, std::string* out) {
  char buf[24];
  auto [end, ec] = std::to_chars(buf, buf + sizeof(buf), v);
  out->append(buf, end);
}

// "Date: Sun, 06 Nov 1994 08:49:37 GMT\r\n", formatted once per second per thread.
std::string_view DateLine() {
  thread_local std::time_t cached_second = 0;
  thread_local char line[64];
  thread_local size_t line_len = 0;
  std::time_t now = std::time(nullptr);
  if (now != cached_second) {
    std::tm tm;
    gmtime_r(&now, &tm);
    line_len = std::strftime(line, sizeof(line), "Date: %a, %d %b %Y %H:%M:%S GMT\r\n", &tm);
    cached_second = now;
  }
  return {line, line_len};
}

bool HasControlChars(std::string_view s) {
  for (char c : s) {
    if (c == '\r' || c == '\n' || c == '\0') return true;
  }
  return false;
}

// Headers the server writes itself; a handler's values for them are ignored.
bool IsServerOwned(std::string_view name) {
  for (std::string_view owned : {"content-length", "connection", "date", "transfer-encoding", "x-request-id",
                                 "keep-alive"}) {
    if (EqualsIgnoreCase(name, owned)) return true;
  }
  return false;
}

}  // namespace

bool IsAcceptableRequestId(std::string_view id) {
  if (id.empty() || id.size() > 64) return false;
  for (char c : id) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' ||
              c == '_' || c == '-';
    if (!ok) return false;
  }
  return true;
}

std::string NewRequestId() {
  thread_local std::mt19937_64 rng([] {
    std::random_device rd;
    std::seed_seq seq{rd(), rd(), rd(), rd()};
    return std::mt19937_64(seq);
  }());
  static constexpr char kHex[] = "0123456789abcdef";
  std::string id(32, '0');
  for (int half = 0; half < 2; ++half) {
    uint64_t v = rng();
    for (int i = 0; i < 16; ++i) {
      id[half * 16 + i] = kHex[v & 0xf];
      v >>= 4;
    }
  }
  return id;
}

void SerializeHead(const Response& resp, std::string_view request_id, bool keep_alive, int version,
                   size_t body_size, std::string* out) {
  unsigned status = resp.status;
  if (status < 100 || status > 999) status = 500;
  out->clear();
  out->append("HTTP/1.1 ");
  AppendNumber(status, out);
  out->push_back(' ');
  auto reason = boost::beast::http::obsolete_reason(boost::beast::http::int_to_status(status));
  if (reason.empty() || reason.front() == '<') {
    out->append("Unknown");
  } else {
    out->append(reason.data(), reason.size());
  }
  out->append("\r\n");
  out->append(DateLine());

  bool handler_content_type = false;
  for (const auto& [name, value] : resp.headers) {
    if (EqualsIgnoreCase(name, "content-type")) handler_content_type = true;
  }
  if (!handler_content_type && !resp.content_type.empty() && !HasControlChars(resp.content_type)) {
    out->append("Content-Type: ");
    out->append(resp.content_type);
    out->append("\r\n");
  }
  if (status >= 200 && status != 204 && status != 304) {
    out->append("Content-Length: ");
    AppendNumber(body_size, out);
    out->append("\r\n");
  }
  out->append("X-Request-ID: ");
  out->append(request_id);
  out->append("\r\n");
  if (!keep_alive) {
    out->append("Connection: close\r\n");
  } else if (version == 10) {
    out->append("Connection: keep-alive\r\n");
  }
  for (const auto& [name, value] : resp.headers) {
    if (name.empty() || name.find_first_of(": \t") != std::string::npos || IsServerOwned(name) ||
        HasControlChars(name) || HasControlChars(value)) {
      continue;
    }
    out->append(name);
    out->append(": ");
    out->append(value);
    out->append("\r\n");
  }
  out->append("\r\n");
}

}  // namespace aw::http
