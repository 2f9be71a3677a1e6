#include "clients/http_client.h"

#include <curl/curl.h>

#include <algorithm>
#include <cctype>
#include <mutex>

namespace aw::clients {

namespace {

std::once_flag g_curl_init;

bool IEquals(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) == std::tolower(static_cast<unsigned char>(y));
         });
}

struct Sink {
  HttpResponse* resp;
  size_t limit;
  bool overflow = false;
};

size_t OnBody(char* data, size_t size, size_t n, void* user) {
  auto* sink = static_cast<Sink*>(user);
  const size_t len = size * n;
  if (sink->resp->body.size() + len > sink->limit) {
    sink->overflow = true;
    return 0;  // aborts the transfer
  }
  sink->resp->body.append(data, len);
  return len;
}

size_t OnHeader(char* data, size_t size, size_t n, void* user) {
  auto* sink = static_cast<Sink*>(user);
  const size_t len = size * n;
  std::string_view line(data, len);
  if (line.rfind("HTTP/", 0) == 0) {
    sink->resp->headers.clear();  // a new response (after 100-continue or a redirect)
    return len;
  }
  auto colon = line.find(':');
  if (colon == std::string_view::npos) return len;
  auto trim = [](std::string_view s) {
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
    while (!s.empty() && (s.back() == '\r' || s.back() == '\n' || s.back() == ' ')) s.remove_suffix(1);
    return s;
  };
  sink->resp->headers.emplace_back(std::string(trim(line.substr(0, colon))),
                                   std::string(trim(line.substr(colon + 1))));
  return len;
}

}  // namespace

std::string HttpResponse::Header(std::string_view name) const {
  for (const auto& [k, v] : headers) {
    if (IEquals(k, name)) return v;
  }
  return "";
}

HttpClient::HttpClient(HttpClientOptions options) : options_(options) {
  std::call_once(g_curl_init, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

HttpClient::~HttpClient() {
  for (void* h : idle_) curl_easy_cleanup(static_cast<CURL*>(h));
}

HttpClient* HttpClient::Default() {
  static HttpClient* client = new HttpClient();  // lives for the process
  return client;
}

void* HttpClient::Acquire() const {
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (!idle_.empty()) {
      void* h = idle_.back();
      idle_.pop_back();
      return h;
    }
  }
  return curl_easy_init();
}

void HttpClient::Release(void* handle, bool reusable) const {
  if (reusable) {
    std::lock_guard<std::mutex> lock(mu_);
    if (idle_.size() < options_.max_idle_handles) {
      idle_.push_back(handle);
      return;
    }
  }
  curl_easy_cleanup(static_cast<CURL*>(handle));
}

Result<HttpResponse> HttpClient::Send(const HttpRequest& req) const {
  UrlParts url;
  if (!ParseUrl(req.url, &url)) return Status::InvalidArgument("not an http(s) URL: " + req.url);
  CURL* curl = static_cast<CURL*>(Acquire());
  if (curl == nullptr) return Status::Unavailable("cannot create an HTTP handle");
  curl_easy_reset(curl);  // keeps the connection cache of the handle

  HttpResponse resp;
  Sink sink{&resp, options_.max_response_bytes};
  curl_slist* headers = nullptr;
  bool has_content_type = false;
  for (const auto& [k, v] : req.headers) {
    if (IEquals(k, "Content-Type")) has_content_type = true;
    headers = curl_slist_append(headers, (k + ": " + v).c_str());
  }
  if (!has_content_type && !req.body.empty()) headers = curl_slist_append(headers, "Content-Type:");
  headers = curl_slist_append(headers, "Expect:");  // no 100-continue round trip

  curl_easy_setopt(curl, CURLOPT_URL, req.url.c_str());
  curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(curl, CURLOPT_TIMEOUT_MS, static_cast<long>(req.timeout_ms));
  curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT_MS, static_cast<long>(req.connect_timeout_ms));
  curl_easy_setopt(curl, CURLOPT_HTTPHEADER, headers);
  curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, OnBody);
  curl_easy_setopt(curl, CURLOPT_WRITEDATA, &sink);
  curl_easy_setopt(curl, CURLOPT_HEADERFUNCTION, OnHeader);
  curl_easy_setopt(curl, CURLOPT_HEADERDATA, &sink);
  curl_easy_setopt(curl, CURLOPT_TCP_NODELAY, 1L);
  curl_easy_setopt(curl, CURLOPT_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(curl, CURLOPT_SSL_VERIFYPEER, options_.verify_tls ? 1L : 0L);
  curl_easy_setopt(curl, CURLOPT_SSL_VERIFYHOST, options_.verify_tls ? 2L : 0L);
  if (req.method == "GET") {
    curl_easy_setopt(curl, CURLOPT_HTTPGET, 1L);
  } else if (req.method == "HEAD") {
    curl_easy_setopt(curl, CURLOPT_NOBODY, 1L);
  } else {
    if (req.method != "POST") curl_easy_setopt(curl, CURLOPT_CUSTOMREQUEST, req.method.c_str());
    curl_easy_setopt(curl, CURLOPT_POST, 1L);
    curl_easy_setopt(curl, CURLOPT_POSTFIELDS, req.body.data());
    curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(req.body.size()));
  }

  CURLcode rc = curl_easy_perform(curl);
  long status = 0;
  curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &status);
  curl_slist_free_all(headers);
  if (rc != CURLE_OK) {
    Release(curl, false);  // the connection may be half-used: do not reuse it
    if (sink.overflow) {
      return Status::Unavailable("response from " + url.host + " is larger than " +
                                 std::to_string(options_.max_response_bytes) + " bytes");
    }
    return Status::Unavailable(std::string(curl_easy_strerror(rc)) + " (" + req.method + " " + url.scheme +
                               "://" + url.host_header + url.path + ")");
  }
  Release(curl, true);
  resp.status = static_cast<int>(status);
  return resp;
}

bool ParseUrl(std::string_view url, UrlParts* out) {
  std::string_view rest;
  if (url.rfind("https://", 0) == 0) {
    out->scheme = "https";
    rest = url.substr(8);
  } else if (url.rfind("http://", 0) == 0) {
    out->scheme = "http";
    rest = url.substr(7);
  } else {
    return false;
  }
  size_t end = rest.find_first_of("/?#");
  std::string_view authority = rest.substr(0, end);
  if (authority.empty() || authority.find('@') != std::string_view::npos) return false;
  std::string_view tail = end == std::string_view::npos ? std::string_view() : rest.substr(end);
  if (auto hash = tail.find('#'); hash != std::string_view::npos) tail = tail.substr(0, hash);
  std::string_view host = authority;
  std::string_view port;
  if (auto colon = authority.rfind(':');
      colon != std::string_view::npos && authority.find(']') == std::string_view::npos) {
    host = authority.substr(0, colon);
    port = authority.substr(colon + 1);
    if (port.empty() || !std::all_of(port.begin(), port.end(), [](char c) { return c >= '0' && c <= '9'; })) {
      return false;
    }
  }
  if (host.empty()) return false;
  out->host = std::string(host);
  const bool default_port = port.empty() || (out->scheme == "https" && port == "443") ||
                            (out->scheme == "http" && port == "80");
  out->host_header = default_port ? out->host : out->host + ":" + std::string(port);
  auto q = tail.find('?');
  out->path = std::string(tail.substr(0, q));
  if (out->path.empty()) out->path = "/";
  out->query = q == std::string_view::npos ? "" : std::string(tail.substr(q + 1));
  return true;
}

}  // namespace aw::clients
