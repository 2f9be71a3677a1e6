#include "clients/aws_call.h"

#include <nlohmann/json.hpp>

namespace aw::clients {

std::string DefaultAwsEndpoint(std::string_view service, std::string_view region) {
  return "https://" + std::string(service) + "." + std::string(region) + ".amazonaws.com";
}

Result<SigV4Credentials> RequireCredentials(const SigV4Credentials& c) {
  if (c.access_key_id.empty()) return Status::InvalidArgument("setting AWS_ACCESS_KEY_ID is missing");
  if (c.secret_access_key.empty()) return Status::InvalidArgument("setting AWS_SECRET_ACCESS_KEY is missing");
  return c;
}

Status SignRequest(HttpRequest& req, const SigV4Credentials& creds, std::string_view region,
                   std::string_view service, int64_t epoch_seconds) {
  UrlParts url;
  if (!ParseUrl(req.url, &url)) return Status::InvalidArgument("not an http(s) URL: " + req.url);
  req.headers.emplace_back("Host", url.host_header);
  req.headers.emplace_back("X-Amz-Date", AmzDate(epoch_seconds));
  if (!creds.session_token.empty()) req.headers.emplace_back("X-Amz-Security-Token", creds.session_token);
  SigV4Request sr;
  sr.method = req.method;
  sr.path = url.path;
  sr.query = url.query;
  sr.headers = req.headers;
  sr.body = req.body;
  SigV4Result signed_req = SignV4(sr, creds, region, service, epoch_seconds);
  req.headers.emplace_back("Authorization", signed_req.authorization);
  return Status::OK();
}

Result<HttpResponse> SendSigned(const HttpClient& client, HttpRequest req, const SigV4Credentials& creds,
                                std::string_view region, std::string_view service, int64_t epoch_seconds) {
  if (Status s = SignRequest(req, creds, region, service, epoch_seconds); !s.ok()) return s;
  return client.Send(req);
}

Result<HttpResponse> CallAwsJson(const HttpClient& client, const AwsTarget& to, const SigV4Credentials& creds,
                                 std::string_view target, std::string body, int64_t epoch_seconds,
                                 int timeout_ms, std::string_view content_type) {
  HttpRequest req;
  req.method = "POST";
  req.url = to.endpoint;
  if (req.url.empty() || req.url.back() != '/') req.url += '/';
  req.headers = {{"Content-Type", std::string(content_type)}, {"X-Amz-Target", std::string(target)}};
  req.body = std::move(body);
  req.timeout_ms = timeout_ms;
  return SendSigned(client, std::move(req), creds, to.region, to.service, epoch_seconds);
}

namespace {

std::string XmlElement(const std::string& body, const std::string& name) {
  const std::string open = "<" + name + ">";
  auto b = body.find(open);
  if (b == std::string::npos) return "";
  b += open.size();
  auto e = body.find("</" + name + ">", b);
  return e == std::string::npos ? "" : body.substr(b, e - b);
}

}  // namespace

AwsError ParseAwsError(const HttpResponse& resp) {
  AwsError err;
  auto j = nlohmann::json::parse(resp.body, nullptr, /*allow_exceptions=*/false);
  if (j.is_object()) {
    // value() would throw for a __type that is not a string.
    if (auto t = j.find("__type"); t != j.end() && t->is_string()) err.type = t->get<std::string>();
    if (j.contains("message") && j["message"].is_string()) err.message = j["message"].get<std::string>();
    if (j.contains("Message") && j["Message"].is_string()) err.message = j["Message"].get<std::string>();
  } else if (resp.body.find("<Code>") != std::string::npos) {
    err.type = XmlElement(resp.body, "Code");
    err.message = XmlElement(resp.body, "Message");
  }
  if (err.type.empty()) {
    // A header is bytes, not text: an AWS error type is an ASCII name, so
    // anything else is shown as '?' (the type ends up in messages that are
    // stored and sent as JSON, which must be valid UTF-8; found by fuzzing).
    err.type = resp.Header("x-amzn-ErrorType");
    for (char& c : err.type) {
      if (c < 0x20 || c > 0x7E) c = '?';
    }
  }
  if (auto hash = err.type.find('#'); hash != std::string::npos) err.type = err.type.substr(hash + 1);
  if (auto colon = err.type.find(':'); colon != std::string::npos) err.type = err.type.substr(0, colon);
  if (err.type.empty()) err.type = "HTTP " + std::to_string(resp.status);
  return err;
}

bool IsRetryableAwsError(int http_status, std::string_view t) {
  if (http_status >= 500) return true;
  return t == "ThrottlingException" || t == "ProvisionedThroughputExceededException" ||
         t == "RequestLimitExceeded" || t == "Throttling" || t == "TooManyRequestsException" ||
         t == "LimitExceededException" || t == "InternalServerError" || t == "ServiceUnavailable";
}

}  // namespace aw::clients
