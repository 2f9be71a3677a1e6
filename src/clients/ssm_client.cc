#include "clients/ssm_client.h"

#include <nlohmann/json.hpp>

#include "base/utf8.h"

namespace aw::clients {

using nlohmann::json;

std::string BuildSendCommandBody(const SsmSendCommand& in) {
  json body = {{"DocumentName", in.document_name}, {"TimeoutSeconds", in.timeout_seconds}};
  json params = json::object();
  for (const auto& [name, values] : in.parameters) params[name] = values;
  body["Parameters"] = std::move(params);
  if (!in.instance_ids.empty()) {
    body["InstanceIds"] = in.instance_ids;
  } else {
    body["Targets"] = json::array({{{"Key", "tag:" + in.tag_key}, {"Values", json::array({in.tag_value})}}});
  }
  if (!in.comment.empty()) body["Comment"] = std::string(Utf8Prefix(in.comment, 100));
  return body.dump();
}

std::string BuildGetCommandInvocationBody(const std::string& command_id, const std::string& instance_id) {
  return json{{"CommandId", command_id}, {"InstanceId", instance_id}}.dump();
}

std::string BuildListCommandInvocationsBody(const std::string& command_id, const std::string& next_token) {
  json body = {{"CommandId", command_id}, {"MaxResults", 50}};
  if (!next_token.empty()) body["NextToken"] = next_token;
  return body.dump();
}

Result<std::string> ParseSendCommandResponse(const std::string& body) {
  auto j = json::parse(body, nullptr, false);
  if (!j.is_object() || !j.contains("Command") || !j["Command"].is_object() ||
      !j["Command"].contains("CommandId") || !j["Command"]["CommandId"].is_string()) {
    return Status::Internal("SSM SendCommand answered without Command.CommandId");
  }
  return j["Command"]["CommandId"].get<std::string>();
}

Result<SsmInvocation> ParseGetCommandInvocationResponse(const std::string& body) {
  auto j = json::parse(body, nullptr, false);
  if (!j.is_object() || !j.contains("Status") || !j["Status"].is_string()) {
    return Status::Internal("SSM GetCommandInvocation answered without Status");
  }
  auto str = [&](const char* k) {
    return j.contains(k) && j[k].is_string() ? j[k].get<std::string>() : std::string();
  };
  SsmInvocation inv;
  inv.instance_id = str("InstanceId");
  inv.status = str("Status");
  inv.status_details = str("StatusDetails");
  inv.standard_output = str("StandardOutputContent");
  inv.standard_error = str("StandardErrorContent");
  if (j.contains("ResponseCode") && j["ResponseCode"].is_number_integer()) {
    inv.response_code = j["ResponseCode"].get<int>();
  }
  return inv;
}

bool IsTerminalSsmStatus(const std::string& s) {
  return s == "Success" || s == "Cancelled" || s == "TimedOut" || s == "Failed" || s == "Undeliverable" ||
         s == "Terminated";
}

Status StatusFromAwsError(const std::string& op, const HttpResponse& resp) {
  AwsError err = ParseAwsError(resp);
  std::string msg = op + " failed: HTTP " + std::to_string(resp.status) +
                    (err.type.empty() ? "" : " " + err.type) +
                    (err.message.empty() ? "" : ": " + err.message);
  if (msg.size() > 600) msg = std::string(Utf8Prefix(msg, 600));
  if (IsRetryableAwsError(resp.status, err.type)) return Status::Throttled(msg);
  if (err.type == "InvocationDoesNotExist") return Status::NotFound(msg);
  if (resp.status == 403 || err.type == "UnrecognizedClientException" ||
      err.type == "InvalidSignatureException" || err.type == "IncompleteSignatureException" ||
      err.type == "SignatureDoesNotMatch" || err.type == "ExpiredTokenException" ||
      err.type == "ExpiredToken" || err.type == "AccessDeniedException" ||
      err.type == "MissingAuthenticationTokenException" || err.type == "InvalidClientTokenId") {
    return Status::Unauthenticated(msg);
  }
  return Status::InvalidArgument(msg);
}

Result<std::string> SsmClient::Call(const std::string& op, std::string body) const {
  auto resp =
      CallAwsJson(*http_, to_, creds_, "AmazonSSM." + op, std::move(body), clock_->NowSeconds(), timeout_ms_);
  if (!resp.ok()) return Status::Unavailable("SSM " + op + ": " + resp.status().message());
  if (resp->status != 200) return StatusFromAwsError("SSM " + op, *resp);
  return std::move(resp->body);
}

Result<std::string> SsmClient::SendCommand(const SsmSendCommand& in) const {
  auto body = Call("SendCommand", BuildSendCommandBody(in));
  if (!body.ok()) return body.status();
  return ParseSendCommandResponse(*body);
}

Result<SsmInvocation> SsmClient::GetCommandInvocation(const std::string& command_id,
                                                      const std::string& instance_id) const {
  auto body = Call("GetCommandInvocation", BuildGetCommandInvocationBody(command_id, instance_id));
  if (!body.ok()) return body.status();
  auto inv = ParseGetCommandInvocationResponse(*body);
  if (inv.ok() && inv->instance_id.empty()) inv->instance_id = instance_id;
  return inv;
}

Result<std::vector<std::string>> SsmClient::ListInvocationInstanceIds(const std::string& command_id) const {
  std::vector<std::string> ids;
  std::string token;
  for (int page = 0; page < 100; ++page) {
    auto body = Call("ListCommandInvocations", BuildListCommandInvocationsBody(command_id, token));
    if (!body.ok()) return body.status();
    auto j = json::parse(*body, nullptr, false);
    if (!j.is_object()) return Status::Internal("SSM ListCommandInvocations answered with no JSON object");
    if (j.contains("CommandInvocations") && j["CommandInvocations"].is_array()) {
      for (const auto& inv : j["CommandInvocations"]) {
        if (inv.is_object() && inv.contains("InstanceId") && inv["InstanceId"].is_string()) {
          ids.push_back(inv["InstanceId"].get<std::string>());
        }
      }
    }
    token = j.contains("NextToken") && j["NextToken"].is_string() ? j["NextToken"].get<std::string>() : "";
    if (token.empty()) break;
  }
  return ids;
}

}  // namespace aw::clients
