#pragma once

// AWS Systems Manager Run Command over the JSON 1.1 protocol: SendCommand,
// GetCommandInvocation, ListCommandInvocations (SigV4, service "ssm").
// Request bodies are built by pure functions (tested in
// tests/unit/ssm_client_test.cc) that follow the API reference: InstanceIds
// xor Targets ([{"Key": "tag:<key>", "Values": [value]}]), Parameters as a
// map of string -> list of strings, TimeoutSeconds in 30..2592000.
//
// Errors: a transport failure is kUnavailable; AWS's answers map to
// kThrottled (throttling, 5xx), kUnauthenticated (signature, unknown key,
// expired token, access denied), kNotFound (InvocationDoesNotExist: the
// invocation is not visible yet, poll again), kInvalidArgument (anything
// else AWS refused). Messages name the operation and AWS's error type and
// never contain credentials.
//
// Thread-safe: an SsmClient is immutable after construction.

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "base/clock.h"
#include "base/status.h"
#include "clients/aws_call.h"
#include "clients/http_client.h"

namespace aw::clients {

struct SsmSendCommand {
  std::string document_name;
  std::map<std::string, std::vector<std::string>> parameters;
  std::vector<std::string> instance_ids;  // either these...
  std::string tag_key;                    // ...or a tag (Targets)
  std::string tag_value;
  int64_t timeout_seconds = 600;  // delivery timeout (TimeoutSeconds)
  std::string comment;            // cut to 100 characters
};

struct SsmInvocation {
  std::string instance_id;
  std::string
      status;  // Pending | InProgress | Delayed | Success | Cancelled | TimedOut | Failed | Cancelling
  std::string status_details;
  int response_code = -1;
  std::string standard_output;
  std::string standard_error;
};

// JSON bodies, as SSM expects them.
std::string BuildSendCommandBody(const SsmSendCommand& in);
std::string BuildGetCommandInvocationBody(const std::string& command_id, const std::string& instance_id);
std::string BuildListCommandInvocationsBody(const std::string& command_id, const std::string& next_token);

// Answers. kInternal when the body is not the documented shape.
Result<std::string> ParseSendCommandResponse(const std::string& body);  // the CommandId
Result<SsmInvocation> ParseGetCommandInvocationResponse(const std::string& body);

// Success, Cancelled, TimedOut, Failed (and the list-only Undeliverable, Terminated).
bool IsTerminalSsmStatus(const std::string& status);

// AWS's error answer as a Status (see above); `op` names the operation.
Status StatusFromAwsError(const std::string& op, const HttpResponse& resp);

class SsmClient {
 public:
  // REQUIRES: http and clock outlive the client.
  SsmClient(const HttpClient* http, AwsTarget to, SigV4Credentials creds, const Clock* clock,
            int timeout_ms = 15000)
      : http_(http), to_(std::move(to)), creds_(std::move(creds)), clock_(clock), timeout_ms_(timeout_ms) {}

  Result<std::string> SendCommand(const SsmSendCommand& in) const;  // CommandId
  Result<SsmInvocation> GetCommandInvocation(const std::string& command_id,
                                             const std::string& instance_id) const;
  // Instance ids the command was sent to (for tag targets), all pages.
  Result<std::vector<std::string>> ListInvocationInstanceIds(const std::string& command_id) const;

 private:
  Result<std::string> Call(const std::string& op, std::string body) const;

  const HttpClient* http_;
  AwsTarget to_;
  SigV4Credentials creds_;
  const Clock* clock_;
  int timeout_ms_;
};

}  // namespace aw::clients
