#pragma once

// Outbound HTTP(S) for the AWS clients, email by SES, AI providers and
// anything else that calls out. libcurl underneath, with a pool of easy
// handles so connections are kept alive and reused between calls.
//
// Thread-safe: Send may be called from any number of threads; each call
// borrows a handle from the pool (or makes one) and returns it afterwards.
// Send never throws. A transport failure (DNS, connect, TLS, timeout,
// broken connection) is Status::Unavailable whose message names the host
// and what failed; any HTTP status, 4xx and 5xx included, is a response.

#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "base/status.h"

namespace aw::clients {

using HttpHeaders = std::vector<std::pair<std::string, std::string>>;

struct HttpRequest {
  std::string method = "GET";
  std::string url;  // absolute: http(s)://host[:port]/path?query
  HttpHeaders headers;
  std::string body;
  int timeout_ms = 10000;         // whole call
  int connect_timeout_ms = 3000;  // TCP + TLS handshake
};

struct HttpResponse {
  int status = 0;
  HttpHeaders headers;  // names as received
  std::string body;

  // First header of that name (case-insensitive), or "".
  std::string Header(std::string_view name) const;
};

struct HttpClientOptions {
  size_t max_idle_handles = 32;  // idle keep-alive connections kept
  bool verify_tls = true;
  size_t max_response_bytes = 16 << 20;  // larger responses fail (Unavailable)
};

class HttpClient {
 public:
  explicit HttpClient(HttpClientOptions options = {});
  ~HttpClient();
  HttpClient(const HttpClient&) = delete;
  HttpClient& operator=(const HttpClient&) = delete;

  Result<HttpResponse> Send(const HttpRequest& req) const;

  // A process-wide client with default options.
  static HttpClient* Default();

 private:
  void* Acquire() const;
  void Release(void* handle, bool reusable) const;

  HttpClientOptions options_;
  mutable std::mutex mu_;
  mutable std::vector<void*> idle_;  // CURL*
};

// Parts of an absolute URL, for signing. Returns false when it is not
// http(s)://host[:port][/path][?query].
struct UrlParts {
  std::string scheme;
  std::string host;       // without port
  std::string host_header;  // host, plus ":port" when not the scheme's default
  std::string path;       // raw, "/" when empty
  std::string query;      // raw, without '?'
};
bool ParseUrl(std::string_view url, UrlParts* out);

}  // namespace aw::clients
