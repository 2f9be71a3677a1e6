// Request and response shapes follow the providers' API references:
// Bedrock Runtime "Converse", Gemini "models.generateContent", OpenAI
// "Create chat completion".

#include "clients/ai_llm.h"

#include <algorithm>

#include <nlohmann/json.hpp>

#include "clients/aws_call.h"

namespace aw::clients {

using nlohmann::json;

namespace {

constexpr size_t kMaxErrorText = 300;

std::string Clip(std::string s) {
  if (s.size() > kMaxErrorText) s = s.substr(0, kMaxErrorText) + "...";
  return s;
}

// A JSON object from a 2xx body, or the error to return.
Result<json> JsonObjectOf(const HttpResponse& resp, const char* provider) {
  auto j = json::parse(resp.body, nullptr, /*allow_exceptions=*/false);
  if (resp.status < 200 || resp.status > 299) {
    std::string detail;
    if (j.is_object()) {
      // Gemini and OpenAI: {"error": {"message": ...}}; Bedrock: {"message": ...}.
      if (j.contains("error") && j["error"].is_object()) {
        detail = j["error"].value("message", std::string());
      } else if (j.contains("error") && j["error"].is_string()) {
        detail = j["error"].get<std::string>();
      } else if (j.contains("message") && j["message"].is_string()) {
        detail = j["message"].get<std::string>();
      }
    }
    return Status::Unavailable(std::string(provider) + " answered HTTP " + std::to_string(resp.status) +
                               (detail.empty() ? "" : ": " + Clip(detail)));
  }
  if (!j.is_object()) return Status::InvalidArgument(std::string(provider) + " answered with a body that is not a JSON object");
  return j;
}

std::string TrimSlash(std::string s) {
  while (!s.empty() && s.back() == '/') s.pop_back();
  return s;
}

}  // namespace

// --- Bedrock -----------------------------------------------------------------

std::string BedrockConverseBody(const LlmPrompt& p) {
  json body = {
      {"system", json::array({{{"text", p.system}}})},
      {"messages", json::array({{{"role", "user"}, {"content", json::array({{{"text", p.user}}})}}})},
      {"inferenceConfig", {{"maxTokens", p.max_tokens}, {"temperature", p.temperature}}},
  };
  return body.dump();
}

std::string BedrockConversePath(const std::string& model_id) {
  return "/model/" + AwsUriEncode(model_id, /*encode_slash=*/true) + "/converse";
}

Result<std::string> ParseBedrockConverse(const HttpResponse& resp) {
  auto j = JsonObjectOf(resp, "bedrock");
  if (!j.ok()) return j.status();
  const json* content = nullptr;
  if (j->contains("output") && (*j)["output"].is_object() && (*j)["output"].contains("message") &&
      (*j)["output"]["message"].is_object() && (*j)["output"]["message"].contains("content")) {
    content = &(*j)["output"]["message"]["content"];
  }
  if (content == nullptr || !content->is_array()) {
    return Status::InvalidArgument("bedrock answer has no output.message.content list");
  }
  std::string text;
  for (const auto& block : *content) {
    if (block.is_object() && block.contains("text") && block["text"].is_string()) text += block["text"].get<std::string>();
  }
  if (text.empty()) return Status::InvalidArgument("bedrock answer has no text content");
  return text;
}

Result<std::string> BedrockConverse(const HttpClient& http, const BedrockTarget& to, const SigV4Credentials& creds,
                                    const LlmPrompt& p, int timeout_ms, int64_t epoch_seconds) {
  HttpRequest req;
  req.method = "POST";
  req.url = TrimSlash(to.endpoint) + BedrockConversePath(to.model_id);
  req.headers = {{"Content-Type", "application/json"}, {"Accept", "application/json"}};
  req.body = BedrockConverseBody(p);
  req.timeout_ms = timeout_ms;
  req.connect_timeout_ms = std::min(timeout_ms, 3000);
  auto resp = SendSigned(http, std::move(req), creds, to.region, "bedrock", epoch_seconds);
  if (!resp.ok()) return resp.status();
  if (resp->status < 200 || resp->status > 299) {
    AwsError e = ParseAwsError(*resp);
    return Status::Unavailable("bedrock answered HTTP " + std::to_string(resp->status) + " " + e.type +
                               (e.message.empty() ? "" : ": " + Clip(e.message)));
  }
  return ParseBedrockConverse(*resp);
}

// --- Gemini ------------------------------------------------------------------

std::string GeminiGenerateBody(const LlmPrompt& p) {
  json body = {
      {"systemInstruction", {{"parts", json::array({{{"text", p.system}}})}}},
      {"contents", json::array({{{"role", "user"}, {"parts", json::array({{{"text", p.user}}})}}})},
      {"generationConfig",
       {{"temperature", p.temperature}, {"maxOutputTokens", p.max_tokens}, {"responseMimeType", "application/json"}}},
  };
  return body.dump();
}

Result<std::string> ParseGeminiGenerate(const HttpResponse& resp) {
  auto j = JsonObjectOf(resp, "gemini");
  if (!j.ok()) return j.status();
  if (!j->contains("candidates") || !(*j)["candidates"].is_array() || (*j)["candidates"].empty()) {
    std::string why;
    if (j->contains("promptFeedback") && (*j)["promptFeedback"].is_object()) {
      why = " (blocked: " + (*j)["promptFeedback"].value("blockReason", std::string("unknown")) + ")";
    }
    return Status::InvalidArgument("gemini answer has no candidates" + why);
  }
  const json& c = (*j)["candidates"][0];
  if (!c.is_object() || !c.contains("content") || !c["content"].is_object() || !c["content"].contains("parts") ||
      !c["content"]["parts"].is_array()) {
    return Status::InvalidArgument("gemini answer has no candidates[0].content.parts list");
  }
  std::string text;
  for (const auto& part : c["content"]["parts"]) {
    if (part.is_object() && part.contains("text") && part["text"].is_string()) text += part["text"].get<std::string>();
  }
  if (text.empty()) return Status::InvalidArgument("gemini answer has no text part");
  return text;
}

Result<std::string> GeminiGenerate(const HttpClient& http, const GeminiTarget& to, const LlmPrompt& p, int timeout_ms) {
  HttpRequest req;
  req.method = "POST";
  req.url = TrimSlash(to.endpoint) + "/v1beta/models/" + AwsUriEncode(to.model, true) + ":generateContent";
  req.headers = {{"Content-Type", "application/json"}, {"x-goog-api-key", to.api_key}};
  req.body = GeminiGenerateBody(p);
  req.timeout_ms = timeout_ms;
  req.connect_timeout_ms = std::min(timeout_ms, 3000);
  auto resp = http.Send(req);
  if (!resp.ok()) return resp.status();
  return ParseGeminiGenerate(*resp);
}

// --- OpenAI-compatible -------------------------------------------------------

std::string OpenAiChatBody(const LlmPrompt& p, const std::string& model) {
  json body = {
      {"model", model},
      {"messages", json::array({{{"role", "system"}, {"content", p.system}}, {{"role", "user"}, {"content", p.user}}})},
      {"temperature", p.temperature},
      {"max_tokens", p.max_tokens},
      {"response_format", {{"type", "json_object"}}},
  };
  return body.dump();
}

Result<std::string> ParseOpenAiChat(const HttpResponse& resp) {
  auto j = JsonObjectOf(resp, "openai");
  if (!j.ok()) return j.status();
  if (!j->contains("choices") || !(*j)["choices"].is_array() || (*j)["choices"].empty()) {
    return Status::InvalidArgument("openai answer has no choices");
  }
  const json& c = (*j)["choices"][0];
  if (!c.is_object() || !c.contains("message") || !c["message"].is_object() || !c["message"].contains("content") ||
      !c["message"]["content"].is_string()) {
    return Status::InvalidArgument("openai answer has no choices[0].message.content string");
  }
  std::string text = c["message"]["content"].get<std::string>();
  if (text.empty()) return Status::InvalidArgument("openai answer has empty content");
  return text;
}

Result<std::string> OpenAiChat(const HttpClient& http, const OpenAiTarget& to, const LlmPrompt& p, int timeout_ms) {
  HttpRequest req;
  req.method = "POST";
  req.url = TrimSlash(to.base_url) + "/chat/completions";
  req.headers = {{"Content-Type", "application/json"}};
  if (!to.api_key.empty()) req.headers.emplace_back("Authorization", "Bearer " + to.api_key);
  req.body = OpenAiChatBody(p, to.model);
  req.timeout_ms = timeout_ms;
  req.connect_timeout_ms = std::min(timeout_ms, 3000);
  auto resp = http.Send(req);
  if (!resp.ok()) return resp.status();
  return ParseOpenAiChat(*resp);
}

}  // namespace aw::clients
