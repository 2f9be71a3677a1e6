#include "http/connection.h"

#include <algorithm>
#include <array>

#include <boost/asio/post.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/http/error.hpp>
#include <spdlog/spdlog.h>

#include "http/error_mapping.h"
#include "http/http_metrics.h"
#include "http/response_head.h"
#include "http/upgrade.h"

namespace aw::http {

namespace asio = boost::asio;
namespace beast = boost::beast;
using boost::system::error_code;

namespace {

thread_local std::string_view t_request_id;

constexpr size_t kReadChunk = 16 * 1024;
constexpr size_t kKeepCapacity = 64 * 1024;     // larger per-connection buffers are released
constexpr size_t kMaxDrainBytes = 4 << 20;      // lingering close reads at most this much
constexpr auto kLingerTime = std::chrono::seconds(2);
constexpr std::string_view k100Continue = "HTTP/1.1 100 Continue\r\n\r\n";

std::string_view PathOf(std::string_view target) { return target.substr(0, target.find('?')); }

}  // namespace

std::string_view CurrentRequestId() { return t_request_id; }

Connection::Connection(ServerCore* core, asio::ip::tcp::socket socket, std::string remote_ip)
    : core_(core),
      executor_(socket.get_executor()),
      socket_(std::move(socket)),
      timer_(executor_),
      remote_ip_(std::move(remote_ip)) {}

Connection::~Connection() { core_->Unregister(this, remote_ip_); }

void Connection::Start() {
  error_code ec;
  socket_.set_option(asio::ip::tcp::no_delay(true), ec);
  ArmTimer();
  BeginRequest();
}

void Connection::Shutdown() {
  shutdown_requested_ = true;
  // A request already in the kernel's buffer was sent before the stop: the
  // pending read completes at once, and the request is answered (with
  // Connection: close) instead of being destroyed by a reset. Otherwise the
  // read is cancelled: its handler closes, unless it had completed already
  // (its data then is such a request too).
  if (state_ == State::kIdle && !InputWaiting()) {
    error_code ec;
    socket_.cancel(ec);
    if (ec) Close();
  }
}

bool Connection::InputWaiting() {
  if (buffer_.size() > 0) return true;
  error_code ec;
  size_t n = socket_.available(ec);
  return !ec && n > 0;
}

void Connection::ForceClose() { Close(); }

void Connection::EvictIfIdle() {
  if (state_ == State::kIdle && !InputWaiting()) {
    Close();
  } else if (state_ == State::kIdle) {
    SetIdle(true);  // a request arrived meanwhile: it stays, and may be chosen again later
  }
}

void Connection::SetIdle(bool idle) {
  int64_t now = std::chrono::duration_cast<std::chrono::nanoseconds>(Clock::now().time_since_epoch()).count();
  idle_since_ns_.store(idle ? std::max<int64_t>(now, 1) : 0, std::memory_order_relaxed);
}

void Connection::BeginRequest() {
  bool stopping = shutdown_requested_ || core_->stopping.load(std::memory_order_relaxed);
  if (stopping && !InputWaiting()) {
    Close();
    return;
  }
  req_.method.clear();
  req_.target.clear();
  req_.path.clear();
  req_.request_id.clear();
  req_.headers.clear();
  req_.query.clear();
  req_.path_params.clear();
  req_.route = {};
  req_.audit = Request::AuditNote{};
  if (req_.body.capacity() > kKeepCapacity) std::string().swap(req_.body);
  req_.body.clear();
  if (body_.capacity() > kKeepCapacity) std::string().swap(body_);

  parser_.emplace(&req_);
  parser_->header_limit(static_cast<std::uint32_t>(std::min<size_t>(core_->opts.max_header_bytes, UINT32_MAX)));
  parser_->body_limit(core_->opts.max_body_bytes);
  parser_->eager(true);
  header_done_ = false;
  head_request_ = false;

  auto now = Clock::now();
  if (buffer_.size() > 0) {  // a pipelined request is already here
    state_ = State::kReading;
    request_start_ = now;
    deadline_ = now + std::min(core_->opts.header_timeout, core_->opts.read_timeout);
    Parse();
  } else {
    state_ = State::kIdle;
    SetIdle(true);
    // A new connection must send its first request head soon (a connection
    // that never sends a byte holds a file handle); a kept-alive one may
    // wait for the idle timeout.
    deadline_ = now + (first_request_ ? core_->opts.header_timeout : core_->opts.idle_timeout);
    ReadMore();
  }
}

void Connection::ReadMore() {
  socket_.async_read_some(buffer_.prepare(kReadChunk),
                          [self = shared_from_this()](const error_code& ec, size_t n) { self->OnRead(ec, n); });
}

void Connection::OnRead(const error_code& ec, size_t n) {
  if (state_ != State::kIdle && state_ != State::kReading) return;  // closed meanwhile
  if (ec) {
    // EOF or reset. A partial request cannot be answered usefully.
    Close();
    return;
  }
  buffer_.commit(n);
  if (state_ == State::kIdle) {
    state_ = State::kReading;
    SetIdle(false);
    request_start_ = Clock::now();
    // The head must be complete within header_timeout (counted from the
    // connection's start for its first request) and within read_timeout.
    const auto head_by = first_request_ ? deadline_ : request_start_ + core_->opts.header_timeout;
    deadline_ = std::min(head_by, request_start_ + core_->opts.read_timeout);
  }
  Parse();
}

void Connection::Parse() {
  for (;;) {
    if (buffer_.size() == 0) {
      ReadMore();
      return;
    }
    error_code ec;
    size_t used = parser_->put(buffer_.data(), ec);
    buffer_.consume(used);
    if (ec == beast::http::error::need_more) {
      ReadMore();
      return;
    }
    if (ec) {
      OnParseError(ec);
      return;
    }
    if (!header_done_ && parser_->is_header_done()) {
      header_done_ = true;
      deadline_ = request_start_ + core_->opts.read_timeout;  // now the body
      if (!OnHeaderDone()) return;
    }
    if (parser_->is_done()) {
      OnRequestComplete();
      return;
    }
    if (used == 0) {
      ReadMore();
      return;
    }
  }
}

bool Connection::OnHeaderDone() {
  if (parser_->expects_continue() && parser_->version() >= 11 && !parser_->is_done() && buffer_.size() == 0) {
    // The client waits for this go-ahead before it sends the body.
    asio::async_write(socket_, asio::buffer(k100Continue.data(), k100Continue.size()),
                      [self = shared_from_this()](const error_code& ec, size_t) {
                        if (self->state_ != State::kReading) return;
                        if (ec) {
                          self->Close();
                          return;
                        }
                        self->Parse();
                      });
    return false;
  }
  return true;
}

void Connection::OnParseError(const error_code& ec) {
  if (ec == beast::http::error::body_limit) {
    FailRequest(413, "payload_too_large",
                "request body is too large; the limit is " + std::to_string(core_->opts.max_body_bytes) + " bytes");
  } else if (ec == beast::http::error::header_limit) {
    FailRequest(431, "header_too_large",
                "request header is too large; the limit is " + std::to_string(core_->opts.max_header_bytes) +
                    " bytes");
  } else {
    FailRequest(400, "bad_request", "malformed HTTP request: " + ec.message());
  }
}

void Connection::OnRequestComplete() {
  state_ = State::kHandling;
  first_request_ = false;
  deadline_ = Clock::time_point::max();
  keep_alive_ = parser_->keep_alive();
  version_ = parser_->version();
  head_request_ = req_.method == "HEAD";
  if (parser_->upgrade() && core_->upgrade_handler && req_.method == "GET" &&
      PathOf(req_.target) == core_->upgrade_path) {
    HandOffUpgrade();
    return;
  }
  if (!PrepareRequest()) {
    Finish(shared_from_this(), ErrorResponse(400, "bad_request", "malformed request target"));
    return;
  }
  if (core_->router->RunsInline(req_)) {
    RunInline();
    return;
  }
  asio::post(*core_->workers, [self = shared_from_this()]() mutable {
    Connection* c = self.get();
    c->RunHandler(std::move(self));
  });
}

void Connection::RunInline() {
  std::shared_ptr<Connection> self = shared_from_this();
  req_.respond_later = [self](Response r) mutable {
    Connection* c = self.get();
    c->Finish(std::move(self), std::move(r));
  };
  req_.run_blocking = [workers = core_->workers](std::function<void()> fn) { asio::post(*workers, std::move(fn)); };
  t_request_id = req_.request_id;
  Response resp = core_->router->Dispatch(req_);
  t_request_id = {};
  // The handler took what it needed; drop ours (they hold `self`).
  req_.respond_later = nullptr;
  req_.run_blocking = nullptr;
  if (!resp.deferred()) Finish(std::move(self), std::move(resp));
}

bool Connection::PrepareRequest() {
  Request& r = req_;
  r.remote_ip = remote_ip_;
  std::string_view client_id = r.Header("X-Request-ID");
  if (IsAcceptableRequestId(client_id)) {
    r.request_id.assign(client_id.data(), client_id.size());
  } else {
    r.request_id = NewRequestId();
  }
  return ParseTarget(r);
}

void Connection::RunHandler(std::shared_ptr<Connection> self) {
  Response resp;
  t_request_id = req_.request_id;
  try {
    resp = core_->router->Dispatch(req_);
  } catch (...) {  // Dispatch does not throw; this is the last line of defence
    resp = ResponseForException(std::current_exception(), req_.request_id);
  }
  t_request_id = {};
  Finish(std::move(self), std::move(resp));
}

void Connection::Finish(std::shared_ptr<Connection> self, Response resp) {
  if (resp.deferred()) resp = ErrorResponse(500, "internal_error", "the handler gave no answer");
  // While the server stops, requests that had already arrived (pipelined in
  // our buffer or waiting in the kernel's) are still answered; the last
  // response says Connection: close. Stop()'s drain timeout bounds this.
  // (In kHandling nothing else touches the socket or the buffer.)
  bool keep = keep_alive_ && (!core_->stopping.load(std::memory_order_relaxed) || InputWaiting());
  body_ = std::move(resp.body);
  bool no_body_status = resp.status < 200 || resp.status == 204 || resp.status == 304;
  if (no_body_status) body_.clear();
  size_t body_size = body_.size();
  if (head_request_) body_.clear();
  SerializeHead(resp, req_.request_id, keep, version_, body_size, &head_);
  keep_alive_ = keep;
  LogAccess(resp.status, body_size, resp.error_code);
  asio::post(executor_, [self = std::move(self)] { self->StartWrite(); });
}

void Connection::HandOffUpgrade() {
  if (!PrepareRequest()) {
    FailRequest(400, "bad_request", "malformed request target");
    return;
  }
  LogAccess(101, 0);
  state_ = State::kUpgraded;
  deadline_ = Clock::time_point::max();
  timer_.cancel();
  auto data = buffer_.data();
  auto up = std::make_unique<Upgrade>(Upgrade{std::move(req_), std::move(socket_),
                                              std::string(static_cast<const char*>(data.data()), data.size()),
                                              core_->HoldUpgraded(remote_ip_)});
  buffer_.clear();
  asio::post(*core_->workers, [core = core_, up = std::move(up)]() mutable {
    t_request_id = up->request.request_id;
    try {
      core->upgrade_handler(std::move(*up));
    } catch (const std::exception& e) {
      spdlog::error("request {}: upgrade handler threw: {}", t_request_id, e.what());
    } catch (...) {
      spdlog::error("request {}: upgrade handler threw", t_request_id);
    }
    t_request_id = {};
  });
}

void Connection::StartWrite() {
  if (state_ == State::kClosed) return;  // force-closed while the handler ran
  state_ = State::kWriting;
  deadline_ = Clock::now() + core_->opts.read_timeout;
  std::array<asio::const_buffer, 2> buffers{asio::buffer(head_), asio::buffer(body_)};
  asio::async_write(socket_, buffers,
                    [self = shared_from_this()](const error_code& ec, size_t) { self->OnWrite(ec); });
}

void Connection::OnWrite(const error_code& ec) {
  if (state_ != State::kWriting) return;
  if (ec) {
    Close();
    return;
  }
  const bool stopping = shutdown_requested_ || core_->stopping.load(std::memory_order_relaxed);
  if (!keep_alive_ || (stopping && !InputWaiting())) {
    LingeringClose();
    return;
  }
  BeginRequest();
}

void Connection::FailRequest(unsigned status, const char* code, const std::string& detail) {
  if (req_.request_id.empty()) {
    std::string_view client_id = req_.Header("X-Request-ID");
    req_.request_id = IsAcceptableRequestId(client_id) ? std::string(client_id) : NewRequestId();
  }
  if (state_ == State::kIdle) request_start_ = Clock::now();
  keep_alive_ = false;
  Response resp = ErrorResponse(status, code, detail);
  body_ = std::move(resp.body);
  SerializeHead(resp, req_.request_id, false, 11, body_.size(), &head_);
  LogAccess(status, body_.size(), code);
  state_ = State::kWriting;
  StartWrite();
}

void Connection::LogAccess(unsigned status, size_t bytes, std::string_view error_code) const {
  const double seconds = std::chrono::duration<double>(Clock::now() - request_start_).count();
  ObserveRequest(req_, status, error_code, seconds);
  if (!core_->opts.access_log) return;
  const double ms = seconds * 1000;
  std::string_view path = PathOf(req_.target);
  // Log patterns may show CurrentRequestId(); make it this request's here too.
  std::string_view saved = t_request_id;
  t_request_id = req_.request_id;
  spdlog::info("{} {} {} {} {} {}B {:.2f}ms", req_.request_id, remote_ip_.empty() ? "-" : remote_ip_,
               req_.method.empty() ? "-" : req_.method, path.empty() ? "-" : path, status, bytes, ms);
  t_request_id = saved;
}

void Connection::LingeringClose() {
  state_ = State::kClosing;
  error_code ec;
  socket_.shutdown(asio::ip::tcp::socket::shutdown_send, ec);
  if (ec) {
    Close();
    return;
  }
  deadline_ = Clock::now() + kLingerTime;
  ArmTimer();
  buffer_.clear();
  drained_ = 0;
  Drain();
}

void Connection::Drain() {
  socket_.async_read_some(buffer_.prepare(kReadChunk), [self = shared_from_this()](const error_code& ec, size_t n) {
    if (self->state_ != State::kClosing) return;
    self->drained_ += n;
    if (ec || self->drained_ > kMaxDrainBytes) {
      self->Close();
      return;
    }
    self->Drain();
  });
}

void Connection::Close() {
  if (state_ == State::kClosed || state_ == State::kUpgraded) return;
  state_ = State::kClosed;
  SetIdle(false);
  error_code ec;
  socket_.close(ec);
  timer_.cancel();
}

void Connection::ArmTimer() {
  const auto& o = core_->opts;
  Clock::duration period = std::max<Clock::duration>(
      std::min({o.header_timeout, o.read_timeout, o.idle_timeout}) / 4, std::chrono::milliseconds(50));
  auto now = Clock::now();
  auto next = deadline_ - now < period ? deadline_ : now + period;
  timer_.expires_at(next);
  timer_.async_wait([self = shared_from_this()](const error_code& ec) { self->OnTimer(ec); });
}

void Connection::OnTimer(const error_code& ec) {
  if (ec == asio::error::operation_aborted || state_ == State::kClosed || state_ == State::kUpgraded) return;
  if (Clock::now() >= deadline_) {
    // Idle keep-alive, a request not completed in time, a client not reading
    // its response, or the end of a lingering close: all end the connection.
    Close();
    return;
  }
  ArmTimer();
}

}  // namespace aw::http
