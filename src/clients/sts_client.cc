#include "clients/sts_client.h"

#include "base/time_format.h"
#include "clients/sigv4.h"
#include "clients/ssm_client.h"

namespace aw::clients {

namespace {

std::string Element(const std::string& xml, const std::string& name) {
  const std::string open = "<" + name + ">";
  auto b = xml.find(open);
  if (b == std::string::npos) return "";
  b += open.size();
  auto e = xml.find("</" + name + ">", b);
  if (e == std::string::npos) return "";
  std::string v = xml.substr(b, e - b);
  // The five predefined XML entities (credentials are base64-like, but be exact).
  std::string out;
  for (size_t i = 0; i < v.size(); ++i) {
    if (v[i] == '&') {
      static const std::pair<const char*, char> kEntities[] = {
          {"&amp;", '&'}, {"&lt;", '<'}, {"&gt;", '>'}, {"&quot;", '"'}, {"&apos;", '\''}};
      bool matched = false;
      for (const auto& [ent, ch] : kEntities) {
        std::string_view e2(ent);
        if (v.compare(i, e2.size(), e2) == 0) {
          out += ch;
          i += e2.size() - 1;
          matched = true;
          break;
        }
      }
      if (!matched) out += v[i];
    } else {
      out += v[i];
    }
  }
  return out;
}

}  // namespace

std::string BuildAssumeRoleBody(const AssumeRoleInput& in) {
  std::string body = "Action=AssumeRole&Version=2011-06-15";
  body += "&RoleArn=" + AwsUriEncode(in.role_arn, true);
  body += "&RoleSessionName=" + AwsUriEncode(in.session_name, true);
  if (!in.external_id.empty()) body += "&ExternalId=" + AwsUriEncode(in.external_id, true);
  body += "&DurationSeconds=" + std::to_string(in.duration_seconds);
  return body;
}

Result<AssumedRole> ParseAssumeRoleResponse(const std::string& xml) {
  AssumedRole r;
  r.credentials.access_key_id = Element(xml, "AccessKeyId");
  r.credentials.secret_access_key = Element(xml, "SecretAccessKey");
  r.credentials.session_token = Element(xml, "SessionToken");
  if (r.credentials.access_key_id.empty() || r.credentials.secret_access_key.empty() ||
      r.credentials.session_token.empty()) {
    return Status::Internal("STS AssumeRole answered without credentials");
  }
  auto exp = ParseIso8601(Element(xml, "Expiration"));
  if (!exp) return Status::Internal("STS AssumeRole answered without a valid Expiration");
  r.expiration_epoch = *exp / 1000000;
  return r;
}

Result<AssumedRole> StsClient::AssumeRole(const AssumeRoleInput& in, const SigV4Credentials& caller) const {
  HttpRequest req;
  req.method = "POST";
  req.url = to_.endpoint;
  if (req.url.empty() || req.url.back() != '/') req.url += '/';
  req.headers = {{"Content-Type", "application/x-www-form-urlencoded; charset=utf-8"}};
  req.body = BuildAssumeRoleBody(in);
  req.timeout_ms = timeout_ms_;
  auto resp = SendSigned(*http_, std::move(req), caller, to_.region, to_.service, clock_->NowSeconds());
  if (!resp.ok()) return Status::Unavailable("STS AssumeRole: " + resp.status().message());
  if (resp->status != 200) return StatusFromAwsError("STS AssumeRole", *resp);
  return ParseAssumeRoleResponse(resp->body);
}

}  // namespace aw::clients
