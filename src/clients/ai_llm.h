#pragma once

// Wire formats of the LLM providers the AI assistant can ask: Amazon Bedrock
// Converse, Google Gemini generateContent and any OpenAI-compatible
// /chat/completions endpoint. Each provider has a request builder and a
// response parser (pure, unit-tested against recorded shapes) and a call
// that sends one prompt and returns the model's text.
//
// Thread-safe: pure functions over a thread-safe HttpClient.
//
// Errors: Unavailable for a transport failure or time-out (the message names
// the host) and for an HTTP error answer (the message carries the status and
// the provider's own error text, never the credentials); InvalidArgument
// when a 2xx answer does not have the documented shape.

#include <cstdint>
#include <string>

#include "base/status.h"
#include "clients/http_client.h"
#include "clients/sigv4.h"

namespace aw::clients {

struct LlmPrompt {
  std::string system;  // instructions
  std::string user;    // the question, with its data
  int max_tokens = 1024;
  double temperature = 0.1;
};

// --- Amazon Bedrock Converse: POST {endpoint}/model/{modelId}/converse, SigV4 "bedrock".
std::string BedrockConverseBody(const LlmPrompt& p);
// The path, with the model id percent-encoded (ids contain ':').
std::string BedrockConversePath(const std::string& model_id);
// output.message.content[*].text joined.
Result<std::string> ParseBedrockConverse(const HttpResponse& resp);

struct BedrockTarget {
  std::string endpoint;  // "https://bedrock-runtime.<region>.amazonaws.com" unless overridden
  std::string region;
  std::string model_id;
};
Result<std::string> BedrockConverse(const HttpClient& http, const BedrockTarget& to, const SigV4Credentials& creds,
                                    const LlmPrompt& p, int timeout_ms, int64_t epoch_seconds);

// --- Google Gemini: POST {endpoint}/v1beta/models/{model}:generateContent, key in x-goog-api-key.
std::string GeminiGenerateBody(const LlmPrompt& p);
// candidates[0].content.parts[*].text joined.
Result<std::string> ParseGeminiGenerate(const HttpResponse& resp);

struct GeminiTarget {
  std::string endpoint;  // "https://generativelanguage.googleapis.com" unless overridden
  std::string model;
  std::string api_key;
};
Result<std::string> GeminiGenerate(const HttpClient& http, const GeminiTarget& to, const LlmPrompt& p,
                                   int timeout_ms);

// --- OpenAI-compatible: POST {base_url}/chat/completions, "Authorization: Bearer <key>" when a key is set.
std::string OpenAiChatBody(const LlmPrompt& p, const std::string& model);
// choices[0].message.content.
Result<std::string> ParseOpenAiChat(const HttpResponse& resp);

struct OpenAiTarget {
  std::string base_url;  // e.g. "https://api.openai.com/v1" or "http://localhost:11434/v1"
  std::string model;
  std::string api_key;   // may be empty for local servers
};
Result<std::string> OpenAiChat(const HttpClient& http, const OpenAiTarget& to, const LlmPrompt& p, int timeout_ms);

}  // namespace aw::clients
