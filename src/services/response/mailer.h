#pragma once

// Email for notifications: a bounded queue drained by one mailer thread, over
// a MailTransport (clients/mail_transport.h: SMTP via libcurl, Amazon SES v2).
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
#include "clients/mail_transport.h"

namespace aw::services {

using clients::Email;
using clients::MailTransport;

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
