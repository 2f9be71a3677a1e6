// Mailer: bounded queue, retries with capped backoff on the injected clock,
// giving up; and the SMTP message format (no header injection).

#include <chrono>
#include <mutex>
#include <thread>

#include <gtest/gtest.h>

#include "base/clock.h"
#include "services/response/mailer.h"

namespace aw::services {
namespace {

using std::chrono::seconds;

class FakeTransport final : public MailTransport {
 public:
  Status Send(const Email& e) override {
    std::lock_guard lock(mu);
    ++calls;
    if (fail_next > 0) {
      --fail_next;
      return permanent ? Status::InvalidArgument("550 no such mailbox") : Status::Unavailable("connection refused");
    }
    sent.push_back(e);
    return Status::OK();
  }
  std::string Describe() const override { return "fake"; }

  std::mutex mu;
  int calls = 0;
  int fail_next = 0;
  bool permanent = false;
  std::vector<Email> sent;
};

class MailerTest : public ::testing::Test {
 protected:
  MailerTest() {
    auto t = std::make_unique<FakeTransport>();
    transport_ = t.get();
    MailerOptions opts;
    opts.queue_capacity = 3;
    opts.max_attempts = 4;
    opts.first_retry = seconds(2);
    opts.max_retry_delay = seconds(5);
    mailer_ = std::make_unique<Mailer>(std::move(t), &clock_, opts);
  }
  FakeClock clock_;
  FakeTransport* transport_;
  std::unique_ptr<Mailer> mailer_;
};

TEST_F(MailerTest, SendsWhatIsQueuedOnTick) {
  ASSERT_TRUE(mailer_->Enqueue({"a@example.com", "s1", "t1"}));
  ASSERT_TRUE(mailer_->Enqueue({"b@example.com", "s2", "t2"}));
  EXPECT_EQ(mailer_->Tick(), 2);
  ASSERT_EQ(transport_->sent.size(), 2u);
  EXPECT_EQ(transport_->sent[0].to, "a@example.com");
  EXPECT_EQ(mailer_->queued(), 0u);
  EXPECT_EQ(mailer_->sent(), 2u);
}

TEST_F(MailerTest, QueueIsBoundedAndEnqueueDoesNotBlock) {
  EXPECT_TRUE(mailer_->Enqueue({"a@example.com", "s", "t"}));
  EXPECT_TRUE(mailer_->Enqueue({"a@example.com", "s", "t"}));
  EXPECT_TRUE(mailer_->Enqueue({"a@example.com", "s", "t"}));
  EXPECT_FALSE(mailer_->Enqueue({"a@example.com", "s", "t"}));
  EXPECT_EQ(mailer_->queued(), 3u);
}

TEST_F(MailerTest, RetriesWithCappedBackoffThenSucceeds) {
  transport_->fail_next = 3;
  ASSERT_TRUE(mailer_->Enqueue({"a@example.com", "s", "t"}));
  EXPECT_EQ(mailer_->Tick(), 0);  // attempt 1 fails: retry in 2 s
  EXPECT_EQ(mailer_->Tick(), 0);  // not due yet: no attempt
  EXPECT_EQ(transport_->calls, 1);
  clock_.Advance(seconds(2));
  EXPECT_EQ(mailer_->Tick(), 0);  // attempt 2 fails: retry in 4 s
  clock_.Advance(seconds(3));
  EXPECT_EQ(mailer_->Tick(), 0);
  EXPECT_EQ(transport_->calls, 2);
  clock_.Advance(seconds(1));
  EXPECT_EQ(mailer_->Tick(), 0);  // attempt 3 fails: 8 s capped to 5 s
  clock_.Advance(seconds(5));
  EXPECT_EQ(mailer_->Tick(), 1);  // attempt 4 succeeds
  EXPECT_EQ(transport_->calls, 4);
  EXPECT_EQ(mailer_->queued(), 0u);
  EXPECT_EQ(mailer_->failed(), 0u);
}

TEST_F(MailerTest, GivesUpAfterMaxAttempts) {
  transport_->fail_next = 100;
  ASSERT_TRUE(mailer_->Enqueue({"a@example.com", "s", "t"}));
  for (int i = 0; i < 10; ++i) {
    mailer_->Tick();
    clock_.Advance(seconds(10));
  }
  EXPECT_EQ(transport_->calls, 4);
  EXPECT_EQ(mailer_->failed(), 1u);
  EXPECT_EQ(mailer_->queued(), 0u);
}

TEST_F(MailerTest, PermanentRefusalIsNotRetried) {
  transport_->fail_next = 1;
  transport_->permanent = true;
  ASSERT_TRUE(mailer_->Enqueue({"nobody@example.com", "s", "t"}));
  mailer_->Tick();
  clock_.Advance(seconds(60));
  mailer_->Tick();
  EXPECT_EQ(transport_->calls, 1);
  EXPECT_EQ(mailer_->failed(), 1u);
}

TEST_F(MailerTest, ThreadSendsWithoutTicks) {
  // The real thread with the system clock: the email goes out promptly.
  auto t = std::make_unique<FakeTransport>();
  FakeTransport* tr = t.get();
  Mailer m(std::move(t), SystemClock::Default());
  m.Start();
  ASSERT_TRUE(m.Enqueue({"a@example.com", "s", "t"}));
  for (int i = 0; i < 200 && m.sent() == 0; ++i) std::this_thread::sleep_for(std::chrono::milliseconds(10));
  m.Stop();
  std::lock_guard lock(tr->mu);
  EXPECT_EQ(tr->sent.size(), 1u);
}

TEST(MailFormatTest, HeadersCannotBeInjectedAndBodyUsesCrlf) {
  Email e{"ops@example.com", "Critical incident\r\nBcc: victim@example.com", "line one\nline two"};
  std::string m = FormatMessage(e, "aw@example.com", 1764000000, "id-1@alertwhisperer");
  EXPECT_NE(m.find("Subject: Critical incident  Bcc: victim@example.com\r\n"), std::string::npos) << m;
  EXPECT_EQ(m.find("\r\nBcc:"), std::string::npos);
  EXPECT_NE(m.find("To: <ops@example.com>\r\n"), std::string::npos);
  EXPECT_NE(m.find("From: Alert Whisperer <aw@example.com>\r\n"), std::string::npos);
  EXPECT_NE(m.find("Date: Mon, 24 Nov 2025 16:00:00 +0000\r\n"), std::string::npos) << m;
  EXPECT_NE(m.find("\r\n\r\nline one\r\nline two\r\n"), std::string::npos);
}

TEST(MailFormatTest, NonAsciiSubjectIsEncoded) {
  Email e{"ops@example.com", "Störung: Datenbank", "x"};
  std::string m = FormatMessage(e, "aw@example.com", 0, "id");
  EXPECT_NE(m.find("Subject: =?UTF-8?B?"), std::string::npos) << m;
  EXPECT_NE(m.find("Date: Thu, 01 Jan 1970 00:00:00 +0000"), std::string::npos) << m;
}

}  // namespace
}  // namespace aw::services
