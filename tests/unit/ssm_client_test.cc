// Request building and answer parsing of the SSM and STS clients, against
// the shapes of AWS's API references.

#include "clients/ssm_client.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "clients/sts_client.h"

namespace aw::clients {
namespace {

using nlohmann::json;

TEST(SsmRequestTest, SendCommandWithInstanceIds) {
  SsmSendCommand in;
  in.document_name = "AWS-RunShellScript";
  in.parameters = {{"commands", {"df -h", "uptime"}}, {"executionTimeout", {"600"}}};
  in.instance_ids = {"i-0123456789abcdef0", "i-12345678"};
  in.timeout_seconds = 600;
  in.comment = std::string(150, 'c');
  json body = json::parse(BuildSendCommandBody(in));
  EXPECT_EQ(body["DocumentName"], "AWS-RunShellScript");
  EXPECT_EQ(body["InstanceIds"], json::array({"i-0123456789abcdef0", "i-12345678"}));
  EXPECT_FALSE(body.contains("Targets"));  // InstanceIds xor Targets
  EXPECT_EQ(body["TimeoutSeconds"], 600);
  EXPECT_TRUE(body["TimeoutSeconds"].is_number_integer());
  EXPECT_EQ(body["Parameters"]["commands"], json::array({"df -h", "uptime"}));
  EXPECT_EQ(body["Parameters"]["executionTimeout"], json::array({"600"}));
  EXPECT_EQ(body["Comment"].get<std::string>().size(), 100u);  // AWS's limit
  for (const auto& [k, v] : body.items()) {
    EXPECT_TRUE(k == "DocumentName" || k == "InstanceIds" || k == "TimeoutSeconds" || k == "Parameters" ||
                k == "Comment")
        << "unexpected member " << k;
  }
}

TEST(SsmRequestTest, SendCommandWithTagTarget) {
  SsmSendCommand in;
  in.document_name = "AWS-RunPowerShellScript";
  in.parameters = {{"commands", {"Get-Service"}}};
  in.tag_key = "Environment";
  in.tag_value = "prod";
  json body = json::parse(BuildSendCommandBody(in));
  EXPECT_FALSE(body.contains("InstanceIds"));
  ASSERT_EQ(body["Targets"].size(), 1u);
  EXPECT_EQ(body["Targets"][0], json({{"Key", "tag:Environment"}, {"Values", {"prod"}}}));
  EXPECT_FALSE(body.contains("Comment"));
}

TEST(SsmRequestTest, InvocationBodies) {
  EXPECT_EQ(json::parse(BuildGetCommandInvocationBody("c-1", "i-12345678")),
            json({{"CommandId", "c-1"}, {"InstanceId", "i-12345678"}}));
  EXPECT_EQ(json::parse(BuildListCommandInvocationsBody("c-1", "")),
            json({{"CommandId", "c-1"}, {"MaxResults", 50}}));
  EXPECT_EQ(json::parse(BuildListCommandInvocationsBody("c-1", "tok"))["NextToken"], "tok");
}

TEST(SsmResponseTest, ParsesAnswers) {
  auto id = ParseSendCommandResponse(R"({"Command":{"CommandId":"abc","Status":"Pending"}})");
  ASSERT_TRUE(id.ok());
  EXPECT_EQ(*id, "abc");
  EXPECT_FALSE(ParseSendCommandResponse(R"({"Command":{}})").ok());
  EXPECT_FALSE(ParseSendCommandResponse("not json").ok());
  auto inv = ParseGetCommandInvocationResponse(
      R"({"InstanceId":"i-12345678","Status":"Failed","StatusDetails":"Failed","ResponseCode":2,)"
      R"("StandardOutputContent":"out","StandardErrorContent":"err"})");
  ASSERT_TRUE(inv.ok());
  EXPECT_EQ(inv->status, "Failed");
  EXPECT_EQ(inv->response_code, 2);
  EXPECT_EQ(inv->standard_output, "out");
  EXPECT_EQ(inv->standard_error, "err");
  EXPECT_FALSE(ParseGetCommandInvocationResponse("{}").ok());
  for (const char* s : {"Success", "Failed", "TimedOut", "Cancelled"})
    EXPECT_TRUE(IsTerminalSsmStatus(s)) << s;
  for (const char* s : {"Pending", "InProgress", "Delayed", "Cancelling"})
    EXPECT_FALSE(IsTerminalSsmStatus(s)) << s;
}

TEST(SsmResponseTest, MapsAwsErrors) {
  auto err = [](int status, const std::string& type) {
    HttpResponse r;
    r.status = status;
    r.body = json{{"__type", type}, {"message", "m"}}.dump();
    return StatusFromAwsError("SSM X", r);
  };
  EXPECT_EQ(err(400, "InvocationDoesNotExist").code(), Code::kNotFound);
  EXPECT_EQ(err(400, "InvalidSignatureException").code(), Code::kUnauthenticated);
  EXPECT_EQ(err(400, "UnrecognizedClientException").code(), Code::kUnauthenticated);
  EXPECT_EQ(err(400, "ThrottlingException").code(), Code::kThrottled);
  EXPECT_EQ(err(500, "InternalServerError").code(), Code::kThrottled);
  EXPECT_EQ(err(400, "ValidationException").code(), Code::kInvalidArgument);
  EXPECT_NE(err(400, "ValidationException").message().find("ValidationException"), std::string::npos);
}

// Found with tests/fuzz/ssm_fuzz.cc (corpus regress_*): a __type that is not a
// string threw out of StatusFromAwsError; a long message was cut inside a
// UTF-8 character, and so was a long comment, which then failed to dump.
TEST(SsmResponseTest, OddErrorAnswersStayStatuses) {
  HttpResponse r;
  r.status = 400;
  r.body = R"({"__type":5,"message":"m"})";
  Status s = StatusFromAwsError("SSM X", r);
  EXPECT_EQ(s.code(), Code::kInvalidArgument);
  std::string accents;
  for (int i = 0; i < 400; ++i) accents += "\xc3\xa9";  // é
  r.body = R"({"__type":"X","message":")" + accents + "\"}";
  s = StatusFromAwsError("SSM X", r);
  EXPECT_LE(s.message().size(), 600u);
  EXPECT_NO_THROW((void)json(s.message()).dump()) << "cut inside a character";
  SsmSendCommand in;
  in.document_name = "AWS-RunShellScript";
  in.instance_ids = {"i-1"};
  in.comment = "x";
  for (int i = 0; i < 60; ++i) in.comment += "\xc3\xa9";  // é: byte 100 is inside one
  EXPECT_NO_THROW({
    auto body = json::parse(BuildSendCommandBody(in));
    EXPECT_EQ(body["Comment"].get<std::string>().size(), 99u);
  });
}

// Found by the ssm fuzz target: an error type from the x-amzn-ErrorType
// header is raw bytes; cut inside a character it made the message invalid
// UTF-8 (which a stored execution error or a JSON answer cannot hold).
TEST(SsmResponseTest, ErrorTypeHeaderOfAnyBytesGivesAValidMessage) {
  HttpResponse r;
  r.status = 403;
  r.body = "not json";
  r.headers.emplace_back("x-amzn-ErrorType", "Access\xc3\xa9\xc3");
  Status s = StatusFromAwsError("GetCommandInvocation", r);
  EXPECT_EQ(s.code(), Code::kUnauthenticated);
  EXPECT_EQ(s.message(), "GetCommandInvocation failed: HTTP 403 Access???");
  EXPECT_NO_THROW((void)json(s.message()).dump());
}

TEST(StsRequestTest, AssumeRoleForm) {
  AssumeRoleInput in;
  in.role_arn = "arn:aws:iam::123456789012:role/Alert Whisperer";
  in.session_name = "alertwhisperer-comp-acme";
  in.external_id = "ext/id:1=2";
  in.duration_seconds = 900;
  EXPECT_EQ(BuildAssumeRoleBody(in),
            "Action=AssumeRole&Version=2011-06-15&RoleArn=arn%3Aaws%3Aiam%3A%3A123456789012%3Arole%2FAlert%"
            "20Whisperer"
            "&RoleSessionName=alertwhisperer-comp-acme&ExternalId=ext%2Fid%3A1%3D2&DurationSeconds=900");
  in.external_id.clear();
  EXPECT_EQ(BuildAssumeRoleBody(in).find("ExternalId"), std::string::npos);
}

TEST(StsResponseTest, ParsesCredentials) {
  const std::string xml =
      "<AssumeRoleResponse "
      "xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\"><AssumeRoleResult><Credentials>"
      "<AccessKeyId>ASIAEXAMPLE</AccessKeyId><SecretAccessKey>se/cr+et&amp;</SecretAccessKey>"
      "<SessionToken>tok</SessionToken><Expiration>2026-11-25T18:00:00Z</Expiration></Credentials>"
      "</AssumeRoleResult></AssumeRoleResponse>";
  auto r = ParseAssumeRoleResponse(xml);
  ASSERT_TRUE(r.ok()) << r.status().message();
  EXPECT_EQ(r->credentials.access_key_id, "ASIAEXAMPLE");
  EXPECT_EQ(r->credentials.secret_access_key, "se/cr+et&");
  EXPECT_EQ(r->credentials.session_token, "tok");
  EXPECT_EQ(r->expiration_epoch, 1795629600);
  EXPECT_FALSE(ParseAssumeRoleResponse("<ErrorResponse/>").ok());
}

}  // namespace
}  // namespace aw::clients
