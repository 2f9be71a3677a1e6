#include "app/logging.h"

#include <spdlog/async.h>
#include <spdlog/pattern_formatter.h>
#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>

#include "http/server.h"

namespace aw::app {

namespace {

class RequestIdFlag final : public spdlog::custom_flag_formatter {
 public:
  void format(const spdlog::details::log_msg&, const std::tm&, spdlog::memory_buf_t& dest) override {
    std::string_view id = http::CurrentRequestId();
    if (id.empty()) id = "-";
    dest.append(id.data(), id.data() + id.size());
  }
  std::unique_ptr<custom_flag_formatter> clone() const override { return std::make_unique<RequestIdFlag>(); }
};

}  // namespace

void SetupLogging(const std::string& level) {
  // Asynchronous: the access log is one line per request, and a write(2)
  // per line on the request path halves the intake rate. The queue blocks
  // when full rather than drop lines; shutdown flushes it.
  spdlog::init_thread_pool(16384, 1);
  auto logger = spdlog::stderr_logger_mt<spdlog::async_factory>("aw");
  auto formatter = std::make_unique<spdlog::pattern_formatter>(spdlog::pattern_time_type::utc);
  formatter->add_flag<RequestIdFlag>('*').set_pattern("%Y-%m-%dT%H:%M:%S.%fZ %l [%*] %v");
  logger->set_formatter(std::move(formatter));
  logger->set_level(spdlog::level::from_str(level));
  logger->flush_on(spdlog::level::warn);
  spdlog::set_default_logger(logger);
  spdlog::flush_every(std::chrono::seconds(1));
}

}  // namespace aw::app
