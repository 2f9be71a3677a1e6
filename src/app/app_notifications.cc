// Wiring of live events, notifications, email and chat (part of App::Open).

#include <spdlog/spdlog.h>

#include "app/app.h"
#include "clients/mail_transport.h"

namespace aw::app {

Status App::OpenNotifications() {
  auto& ctx = ctx_;
  events_ = std::make_unique<services::EventHub>(services::EventHubOptions{}, ctx.clock->NowMicros());
  ctx.events = events_.get();

  if (!config_.smtp_host.empty()) {
    clients::SmtpSettings s;
    s.host = config_.smtp_host;
    s.port = config_.smtp_port;
    s.username = config_.smtp_username;
    s.password = config_.smtp_password;
    s.from = config_.smtp_from;
    s.starttls = config_.smtp_starttls;
    auto transport = clients::MakeSmtpTransport(std::move(s), ctx.clock);
    spdlog::info("email: SMTP via {} (STARTTLS {})", transport->Describe(),
                 config_.smtp_port == 465 ? "n/a, implicit TLS" : config_.smtp_starttls ? "required" : "off");
    mailer_ = std::make_unique<services::Mailer>(std::move(transport), ctx.clock);
  } else if (!config_.ses_from_email.empty()) {
    clients::SesSettings s;
    s.region = config_.ses_region;
    s.from = config_.ses_from_email;
    s.endpoint = config_.ses_endpoint;
    s.credentials = config_.AwsCredentials();
    auto transport = clients::MakeSesTransport(std::move(s), ctx.clock);
    if (!transport.ok()) {
      return Status::InvalidArgument("setting AWS_SES_FROM_EMAIL needs AWS credentials: " + transport.status().message());
    }
    spdlog::info("email: {}", (*transport)->Describe());
    mailer_ = std::make_unique<services::Mailer>(std::move(transport).value(), ctx.clock);
  } else {
    spdlog::info("email: not configured (set AW_SMTP_HOST or AWS_SES_FROM_EMAIL); notifications stay in the app");
  }

  notifications_ = std::make_unique<services::NotificationService>(&ctx, users_.get(), mailer_.get(),
                                                                  /*exclusive_store=*/config_.EmbeddedStore());
  ctx.notifier = notifications_.get();
  chat_ = std::make_unique<services::ChatService>(&ctx, companies_.get());
  incidents_->AddListener([n = notifications_.get()](const std::string& type, const nlohmann::json& incident) {
    n->OnIncident(type, incident);
  });
  return Status::OK();
}

}  // namespace aw::app
