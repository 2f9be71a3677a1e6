#pragma once

// Email for notifications: a bounded queue drained by one mailer thread, over
// a MailTransport (SMTP via libcurl: mailer_smtp.cc; Amazon SES v2 with SigV4:
// mailer_ses.cc).
//
// Enqueue never blocks and never throws: when the queue is full the email is
// dropped and logged. A failed send is retried with capped exponential
// backoff (kFirstRetry doubling up to kMaxRetryDelay, kMaxAttempts in all),
// then dropped with an error log. Log lines name the recipient and the
// transport's error, never a credential.
//
// Time comes from the injected Clock: tests call Tick() after moving a
// FakeClock; Start() runs a thread that calls Tick() whenever an email is
// due. Thread-safe.

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include "base/clock.h"
#include "base/status.h"

namespace aw::services {

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
};
// Credentials from the environment (AWS_ACCESS_KEY_ID, ...); an error naming
// the missing variable when absent.
Result<std::unique_ptr<MailTransport>> MakeSesTransport(SesSettings s, const Clock* clock);

// The RFC 5322 message the SMTP transport sends (exposed for tests).
std::string FormatMessage(const Email& e, const std::string& from, int64_t now_seconds, const std::string& message_id);

struct MailerOptions {
  size_t queue_capacity = 1000;
  int max_attempts = 5;
  std::chrono::seconds first_retry{2};
  std::chrono::seconds max_retry_delay{300};
};

class Mailer {
 public:
  Mailer(std::unique_ptr<MailTransport> transport, const Clock* clock, MailerOptions opts = {});
  ~Mailer();  // Stop()

  // Queues `e`; false (and a warning) when the queue is full.
  bool Enqueue(Email e);
  // Sends every email that is due now; returns how many were sent.
  int Tick();
  void Start();
  // Stops the thread; emails still queued are dropped (and counted in the log).
  void Stop();

  size_t queued() const;
  uint64_t sent() const;
  uint64_t failed() const;  // given up after max_attempts
  const MailTransport& transport() const { return *transport_; }

 private:
  struct Pending {
    Email email;
    int attempts = 0;
    int64_t due_us = 0;
  };

  std::unique_ptr<MailTransport> transport_;
  const Clock* clock_;
  const MailerOptions opts_;
  mutable std::mutex mu_;
  std::condition_variable cv_;
  std::deque<Pending> queue_;
  bool stop_ = false;
  uint64_t sent_ = 0;
  uint64_t failed_ = 0;
  std::thread thread_;
};

}  // namespace aw::services
