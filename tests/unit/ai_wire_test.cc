// The LLM providers' wire formats (clients/ai_llm.h): request bodies as the
// API references describe them, and parsing of recorded answer shapes.

#include "clients/ai_llm.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

namespace aw::clients {
namespace {

using nlohmann::json;

LlmPrompt Prompt() {
  LlmPrompt p;
  p.system = "be strict";
  p.user = "analyse this";
  p.max_tokens = 321;
  p.temperature = 0.2;
  return p;
}

HttpResponse Resp(int status, const std::string& body) {
  HttpResponse r;
  r.status = status;
  r.body = body;
  return r;
}

TEST(AiWire, BedrockRequestShape) {
  json b = json::parse(BedrockConverseBody(Prompt()));
  EXPECT_EQ(b["system"][0]["text"], "be strict");
  EXPECT_EQ(b["messages"][0]["role"], "user");
  EXPECT_EQ(b["messages"][0]["content"][0]["text"], "analyse this");
  EXPECT_EQ(b["inferenceConfig"]["maxTokens"], 321);
  EXPECT_DOUBLE_EQ(b["inferenceConfig"]["temperature"].get<double>(), 0.2);
  EXPECT_EQ(BedrockConversePath("anthropic.claude-3-haiku-20240307-v1:0"),
            "/model/anthropic.claude-3-haiku-20240307-v1%3A0/converse");
  EXPECT_EQ(BedrockConversePath("arn:aws:bedrock:us-east-1::foundation-model/x"),
            "/model/arn%3Aaws%3Abedrock%3Aus-east-1%3A%3Afoundation-model%2Fx/converse");
}

TEST(AiWire, BedrockAnswers) {
  auto ok = ParseBedrockConverse(Resp(200, R"({"output":{"message":{"role":"assistant","content":[
      {"text":"{\"a\":"},{"text":"1}"}]}},"stopReason":"end_turn",
      "usage":{"inputTokens":10,"outputTokens":5,"totalTokens":15},"metrics":{"latencyMs":120}})"));
  ASSERT_TRUE(ok.ok()) << ok.status().message();
  EXPECT_EQ(*ok, "{\"a\":1}");
  EXPECT_FALSE(ParseBedrockConverse(Resp(200, R"({"output":{}})")).ok());
  EXPECT_FALSE(ParseBedrockConverse(Resp(200, R"({"output":{"message":{"content":[]}}})")).ok());
  EXPECT_FALSE(ParseBedrockConverse(Resp(200, "not json")).ok());
  auto err = ParseBedrockConverse(Resp(403, R"({"message":"not authorized"})"));
  ASSERT_FALSE(err.ok());
  EXPECT_NE(err.status().message().find("403"), std::string::npos);
  EXPECT_NE(err.status().message().find("not authorized"), std::string::npos);
}

TEST(AiWire, GeminiRequestShape) {
  json b = json::parse(GeminiGenerateBody(Prompt()));
  EXPECT_EQ(b["systemInstruction"]["parts"][0]["text"], "be strict");
  EXPECT_EQ(b["contents"][0]["role"], "user");
  EXPECT_EQ(b["contents"][0]["parts"][0]["text"], "analyse this");
  EXPECT_EQ(b["generationConfig"]["maxOutputTokens"], 321);
  EXPECT_EQ(b["generationConfig"]["responseMimeType"], "application/json");
}

TEST(AiWire, GeminiAnswers) {
  auto ok = ParseGeminiGenerate(Resp(200, R"({"candidates":[{"content":{"parts":[{"text":"{\"x\":2}"}],
      "role":"model"},"finishReason":"STOP","index":0}],"usageMetadata":{"promptTokenCount":3}})"));
  ASSERT_TRUE(ok.ok()) << ok.status().message();
  EXPECT_EQ(*ok, "{\"x\":2}");
  auto blocked = ParseGeminiGenerate(Resp(200, R"({"promptFeedback":{"blockReason":"SAFETY"}})"));
  ASSERT_FALSE(blocked.ok());
  EXPECT_NE(blocked.status().message().find("SAFETY"), std::string::npos);
  EXPECT_FALSE(ParseGeminiGenerate(Resp(200, R"({"candidates":[{"finishReason":"MAX_TOKENS"}]})")).ok());
  auto err = ParseGeminiGenerate(Resp(400, R"({"error":{"code":400,"message":"API key not valid","status":"INVALID_ARGUMENT"}})"));
  ASSERT_FALSE(err.ok());
  EXPECT_TRUE(err.status().code() == Code::kUnavailable);
  EXPECT_NE(err.status().message().find("API key not valid"), std::string::npos);
}

TEST(AiWire, OpenAiRequestShape) {
  json b = json::parse(OpenAiChatBody(Prompt(), "llama3"));
  EXPECT_EQ(b["model"], "llama3");
  EXPECT_EQ(b["messages"][0]["role"], "system");
  EXPECT_EQ(b["messages"][0]["content"], "be strict");
  EXPECT_EQ(b["messages"][1]["role"], "user");
  EXPECT_EQ(b["messages"][1]["content"], "analyse this");
  EXPECT_EQ(b["max_tokens"], 321);
  EXPECT_EQ(b["response_format"]["type"], "json_object");
}

TEST(AiWire, OpenAiAnswers) {
  auto ok = ParseOpenAiChat(Resp(200, R"({"id":"c1","object":"chat.completion","choices":[{"index":0,
      "message":{"role":"assistant","content":"{}"},"finish_reason":"stop"}]})"));
  ASSERT_TRUE(ok.ok());
  EXPECT_EQ(*ok, "{}");
  EXPECT_FALSE(ParseOpenAiChat(Resp(200, R"({"choices":[]})")).ok());
  EXPECT_FALSE(ParseOpenAiChat(Resp(200, R"({"choices":[{"message":{"content":null}}]})")).ok());
  auto err = ParseOpenAiChat(Resp(401, R"({"error":{"message":"Incorrect API key","type":"invalid_request_error"}})"));
  ASSERT_FALSE(err.ok());
  EXPECT_NE(err.status().message().find("401"), std::string::npos);
}

}  // namespace
}  // namespace aw::clients
