#pragma once

// Signed calls to AWS services (DynamoDB, SSM, STS, SES, Bedrock): SigV4
// over clients::HttpClient.
//
// Thread-safe: pure functions over a thread-safe client.

#include <cstdint>
#include <string>
#include <string_view>

#include "base/status.h"
#include "clients/http_client.h"
#include "clients/sigv4.h"

namespace aw::clients {

struct AwsTarget {
  std::string endpoint;  // "https://ssm.eu-west-1.amazonaws.com" (no path)
  std::string region;
  std::string service;  // signing name: "dynamodb", "ssm", "sts", "ses", "bedrock"
};

// The regional endpoint AWS uses for `service` ("https://<service>.<region>.amazonaws.com").
std::string DefaultAwsEndpoint(std::string_view service, std::string_view region);

// The server's own credentials as configured (app/config: AWS_ACCESS_KEY_ID /
// AWS_SECRET_ACCESS_KEY / AWS_SESSION_TOKEN), or InvalidArgument naming the
// missing setting when a part is empty.
Result<SigV4Credentials> RequireCredentials(const SigV4Credentials& configured);

// Adds Host, X-Amz-Date, X-Amz-Security-Token (when the credentials carry a
// session token) and Authorization to `req`, signed at `epoch_seconds`.
// InvalidArgument when req.url is not an absolute http(s) URL.
Status SignRequest(HttpRequest& req, const SigV4Credentials& creds, std::string_view region,
                   std::string_view service, int64_t epoch_seconds);

// Signs and sends. `epoch_seconds` is normally the wall clock (Clock::NowMicros()/1e6).
Result<HttpResponse> SendSigned(const HttpClient& client, HttpRequest req, const SigV4Credentials& creds,
                                std::string_view region, std::string_view service, int64_t epoch_seconds);

// A POST of an AWS JSON-protocol operation: X-Amz-Target `target`
// (e.g. "AmazonSSM.SendCommand"), Content-Type `content_type`
// ("application/x-amz-json-1.1" for most services, "-1.0" for DynamoDB).
Result<HttpResponse> CallAwsJson(const HttpClient& client, const AwsTarget& to, const SigV4Credentials& creds,
                                 std::string_view target, std::string body, int64_t epoch_seconds,
                                 int timeout_ms = 10000,
                                 std::string_view content_type = "application/x-amz-json-1.1");

// An AWS error answer, from the JSON body's "__type" (the part after '#')
// or the x-amzn-ErrorType header, and "message"/"Message". For XML
// answers (STS, query protocol) from <Code> and <Message>.
struct AwsError {
  std::string type;     // "ThrottlingException", "ResourceNotFoundException", ...
  std::string message;
};
AwsError ParseAwsError(const HttpResponse& resp);

// Whether AWS asks for a retry: throttling types, 5xx.
bool IsRetryableAwsError(int http_status, std::string_view error_type);

}  // namespace aw::clients
