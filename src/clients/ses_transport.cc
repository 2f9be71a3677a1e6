// MailTransport over Amazon SES v2 (SendEmail: POST /v2/email/outbound-emails),
// signed with SigV4 (service name "ses").

#include <nlohmann/json.hpp>

#include "clients/aws_call.h"
#include "clients/mail_transport.h"

namespace aw::clients {

namespace {

class SesTransport final : public MailTransport {
 public:
  SesTransport(SesSettings s, clients::SigV4Credentials creds, const Clock* clock)
      : s_(std::move(s)), creds_(std::move(creds)), clock_(clock) {
    if (s_.endpoint.empty()) s_.endpoint = "https://email." + s_.region + ".amazonaws.com";
    while (!s_.endpoint.empty() && s_.endpoint.back() == '/') s_.endpoint.pop_back();
  }

  std::string Describe() const override { return "SES " + s_.endpoint; }

  Status Send(const Email& e) override {
    nlohmann::json body = {
        {"FromEmailAddress", s_.from},
        {"Destination", {{"ToAddresses", {e.to}}}},
        {"Content",
         {{"Simple",
           {{"Subject", {{"Data", e.subject}, {"Charset", "UTF-8"}}},
            {"Body", {{"Text", {{"Data", e.text}, {"Charset", "UTF-8"}}}}}}}}}};
    clients::HttpRequest req;
    req.method = "POST";
    req.url = s_.endpoint + "/v2/email/outbound-emails";
    req.headers.emplace_back("Content-Type", "application/json");
    req.body = body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
    auto r = clients::SendSigned(*clients::HttpClient::Default(), std::move(req), creds_, s_.region, "ses",
                                 clock_->NowSeconds());
    if (!r.ok()) return Status::Unavailable("SES unreachable: " + r.status().message());
    if (r->status >= 200 && r->status < 300) return Status::OK();
    auto err = clients::ParseAwsError(*r);
    std::string what = "SES answered " + std::to_string(r->status) + " " + err.type + ": " + err.message;
    if (clients::IsRetryableAwsError(r->status, err.type)) return Status::Unavailable(what);
    return Status::InvalidArgument(what);
  }

 private:
  SesSettings s_;
  clients::SigV4Credentials creds_;
  const Clock* clock_;
};

}  // namespace

Result<std::unique_ptr<MailTransport>> MakeSesTransport(SesSettings s, const Clock* clock) {
  auto creds = clients::RequireCredentials(s.credentials);
  if (!creds.ok()) return creds.status();
  return std::unique_ptr<MailTransport>(std::make_unique<SesTransport>(std::move(s), *creds, clock));
}

}  // namespace aw::clients
