// MailTransport over SMTP with libcurl: smtp:// with required STARTTLS (or
// none, for a local relay), smtps:// (implicit TLS) on port 465.

#include <curl/curl.h>

#include <cstring>
#include <mutex>

#include "base/ids.h"
#include "base/time_format.h"
#include "crypto/hash.h"
#include "clients/mail_transport.h"

namespace aw::clients {

namespace {

std::once_flag g_curl_init;

std::string OneLine(std::string s) {
  for (char& c : s) {
    if (c == '\r' || c == '\n') c = ' ';
  }
  return s;
}

bool IsAscii(const std::string& s) {
  for (unsigned char c : s) {
    if (c >= 0x80) return false;
  }
  return true;
}

// RFC 2047 encoded-word for a non-ASCII header value.
std::string HeaderValue(const std::string& v) {
  std::string line = OneLine(v);
  if (IsAscii(line)) return line;
  return "=?UTF-8?B?" + crypto::Base64Encode(line) + "?=";
}

std::string RfcDate(int64_t t) {
  static const char* kDays[] = {"Thu", "Fri", "Sat", "Sun", "Mon", "Tue", "Wed"};
  static const char* kMonths[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                  "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  int64_t days = t >= 0 ? t / 86400 : (t - 86399) / 86400;
  int64_t secs = t - days * 86400;
  int64_t y;
  unsigned m, d;
  CivilFromDays(days, &y, &m, &d);
  char buf[64];
  std::snprintf(buf, sizeof buf, "%s, %02u %s %04lld %02lld:%02lld:%02lld +0000", kDays[((days % 7) + 7) % 7], d,
                kMonths[m - 1], static_cast<long long>(y), static_cast<long long>(secs / 3600),
                static_cast<long long>(secs / 60 % 60), static_cast<long long>(secs % 60));
  return buf;
}

bool PlausibleAddress(const std::string& a) {
  return !a.empty() && a.size() <= 254 && a.find('@') != std::string::npos &&
         a.find_first_of("\r\n<>, ") == std::string::npos;
}

struct Upload {
  const std::string* data;
  size_t pos = 0;
};

size_t ReadChunk(char* buf, size_t size, size_t nitems, void* userp) {
  auto* u = static_cast<Upload*>(userp);
  size_t n = std::min(size * nitems, u->data->size() - u->pos);
  std::memcpy(buf, u->data->data() + u->pos, n);
  u->pos += n;
  return n;
}

class SmtpTransport final : public MailTransport {
 public:
  SmtpTransport(SmtpSettings s, const Clock* clock) : s_(std::move(s)), clock_(clock) {
    std::call_once(g_curl_init, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
    url_ = (s_.port == 465 ? "smtps://" : "smtp://") + s_.host + ":" + std::to_string(s_.port);
  }

  std::string Describe() const override { return url_; }

  Status Send(const Email& e) override {
    if (!PlausibleAddress(e.to)) return Status::InvalidArgument("invalid recipient address");
    const std::string msg_id = NewId(clock_->NowMicros()) + "@alertwhisperer";
    const std::string message = FormatMessage(e, s_.from, clock_->NowSeconds(), msg_id);
    CURL* curl = curl_easy_init();
    if (curl == nullptr) return Status::Unavailable("cannot create a libcurl handle");
    char errbuf[CURL_ERROR_SIZE] = {0};
    Upload up{&message};
    const std::string from = "<" + s_.from + ">";
    curl_slist* rcpt = curl_slist_append(nullptr, ("<" + e.to + ">").c_str());
    curl_easy_setopt(curl, CURLOPT_URL, url_.c_str());
    curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(curl, CURLOPT_ERRORBUFFER, errbuf);
    curl_easy_setopt(curl, CURLOPT_TIMEOUT_MS, static_cast<long>(s_.timeout_ms));
    curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT_MS, 5000L);
    if (s_.port != 465) curl_easy_setopt(curl, CURLOPT_USE_SSL, s_.starttls ? CURLUSESSL_ALL : CURLUSESSL_NONE);
    if (!s_.username.empty()) {
      curl_easy_setopt(curl, CURLOPT_USERNAME, s_.username.c_str());
      curl_easy_setopt(curl, CURLOPT_PASSWORD, s_.password.c_str());
    }
    curl_easy_setopt(curl, CURLOPT_MAIL_FROM, from.c_str());
    curl_easy_setopt(curl, CURLOPT_MAIL_RCPT, rcpt);
    curl_easy_setopt(curl, CURLOPT_READFUNCTION, ReadChunk);
    curl_easy_setopt(curl, CURLOPT_READDATA, &up);
    curl_easy_setopt(curl, CURLOPT_UPLOAD, 1L);
    CURLcode rc = curl_easy_perform(curl);
    long reply = 0;
    curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &reply);
    curl_slist_free_all(rcpt);
    curl_easy_cleanup(curl);
    if (rc == CURLE_OK) return Status::OK();
    std::string what = std::string(curl_easy_strerror(rc)) + (errbuf[0] ? std::string(": ") + errbuf : "");
    if (reply >= 500 && reply < 600) {
      // The server refused for good (e.g. 550 no such mailbox, 535 bad credentials).
      return Status::InvalidArgument("SMTP server refused (" + std::to_string(reply) + "): " + what);
    }
    return Status::Unavailable("SMTP send failed" + (reply ? " (" + std::to_string(reply) + ")" : std::string()) +
                               ": " + what);
  }

 private:
  SmtpSettings s_;
  const Clock* clock_;
  std::string url_;
};

}  // namespace

std::string FormatMessage(const Email& e, const std::string& from, int64_t now_seconds, const std::string& message_id) {
  std::string m;
  m += "Date: " + RfcDate(now_seconds) + "\r\n";
  m += "From: Alert Whisperer <" + OneLine(from) + ">\r\n";
  m += "To: <" + OneLine(e.to) + ">\r\n";
  m += "Subject: " + HeaderValue(e.subject) + "\r\n";
  m += "Message-ID: <" + message_id + ">\r\n";
  m += "MIME-Version: 1.0\r\n";
  m += "Content-Type: text/plain; charset=UTF-8\r\n";
  m += "Content-Transfer-Encoding: 8bit\r\n";
  m += "\r\n";
  // Body: CRLF line ends (libcurl dot-stuffs lines that start with '.').
  for (size_t i = 0; i < e.text.size(); ++i) {
    char c = e.text[i];
    if (c == '\r') continue;
    if (c == '\n') {
      m += "\r\n";
    } else {
      m += c;
    }
  }
  m += "\r\n";
  return m;
}

std::unique_ptr<MailTransport> MakeSmtpTransport(SmtpSettings s, const Clock* clock) {
  return std::make_unique<SmtpTransport>(std::move(s), clock);
}

}  // namespace aw::clients
