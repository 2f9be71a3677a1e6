#pragma once

// AWS STS AssumeRole (query protocol: a form-encoded POST, an XML answer;
// SigV4 service "sts"), for running runbooks in a client company's account
// through a cross-account role with an external id.
//
// Errors: kUnavailable (transport), kThrottled (throttling, 5xx),
// kUnauthenticated (signature, unknown key, AccessDenied: the role does not
// trust us or the external id is wrong), kInvalidArgument (other refusals),
// kInternal (an answer without credentials). Messages never contain
// credentials.
//
// Thread-safe: pure functions and an immutable client.

#include <cstdint>
#include <string>

#include "base/clock.h"
#include "base/status.h"
#include "clients/aws_call.h"
#include "clients/http_client.h"

namespace aw::clients {

struct AssumeRoleInput {
  std::string role_arn;
  std::string session_name;  // 2..64 of [\w+=,.@-]
  std::string external_id;   // optional; 2..1224 of [\w+=,.@:/-]
  int duration_seconds = 3600;
};

struct AssumedRole {
  SigV4Credentials credentials;  // with session_token
  int64_t expiration_epoch = 0;  // seconds
};

// "Action=AssumeRole&Version=2011-06-15&RoleArn=...&RoleSessionName=...[&ExternalId=...]&DurationSeconds=..."
std::string BuildAssumeRoleBody(const AssumeRoleInput& in);
Result<AssumedRole> ParseAssumeRoleResponse(const std::string& xml);

class StsClient {
 public:
  // REQUIRES: http and clock outlive the client. `to.service` is "sts".
  StsClient(const HttpClient* http, AwsTarget to, const Clock* clock, int timeout_ms = 10000)
      : http_(http), to_(std::move(to)), clock_(clock), timeout_ms_(timeout_ms) {}

  // Signs with `caller` (the server's own credentials).
  Result<AssumedRole> AssumeRole(const AssumeRoleInput& in, const SigV4Credentials& caller) const;

 private:
  const HttpClient* http_;
  AwsTarget to_;
  const Clock* clock_;
  int timeout_ms_;
};

}  // namespace aw::clients
