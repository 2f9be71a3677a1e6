#pragma once

// Sending one email: the MailTransport interface and its two transports,
// SMTP via libcurl (smtp_transport.cc: smtp:// with required STARTTLS or
// none for a local relay, smtps:// on port 465) and Amazon SES v2 with
// SigV4 (ses_transport.cc). The queue, retries and the mailer thread are
// services/response/mailer.h's. Thread-compatible: one Send at a time.

#include <cstdint>
#include <memory>
#include <string>

#include "base/clock.h"
#include "base/status.h"
#include "clients/sigv4.h"

namespace aw::clients {

struct Email {
  std::string to;
  std::string subject;  // one line; CR/LF are replaced by spaces when sent
  std::string text;     // plain-text body
};

class MailTransport {
 public:
  virtual ~MailTransport() = default;
  // kUnavailable (retry later) or kInvalidArgument (will never succeed).
  virtual Status Send(const Email& e) = 0;
  virtual std::string Describe() const = 0;  // "smtp://mail.example.com:587", no secret
};

struct SmtpSettings {
  std::string host;
  int port = 587;
  std::string username;
  std::string password;
  std::string from;
  bool starttls = true;  // required STARTTLS; port 465 uses implicit TLS (smtps) instead
  int timeout_ms = 15000;
};
std::unique_ptr<MailTransport> MakeSmtpTransport(SmtpSettings s, const Clock* clock);

struct SesSettings {
  std::string region;
  std::string from;
  std::string endpoint;  // empty: https://email.<region>.amazonaws.com
  SigV4Credentials credentials;  // the server's own (app/config)
};
// An error naming the missing setting when `s.credentials` lacks a part.
Result<std::unique_ptr<MailTransport>> MakeSesTransport(SesSettings s, const Clock* clock);

// The RFC 5322 message the SMTP transport sends (exposed for tests).
std::string FormatMessage(const Email& e, const std::string& from, int64_t now_seconds, const std::string& message_id);

}  // namespace aw::clients
