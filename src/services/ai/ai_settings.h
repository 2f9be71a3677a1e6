#pragma once

// Settings of the AI assistant (docs/ai.md, README configuration table).
// Read from the environment map by app/config; errors are one sentence
// naming the setting.

#include <map>
#include <string>

#include "base/status.h"
#include "clients/sigv4.h"

namespace aw::services::ai {

struct AiSettings {
  std::string provider = "builtin";  // AW_AI_PROVIDER: builtin | bedrock | gemini | openai
  int timeout_ms = 8000;             // AW_AI_TIMEOUT_MS: bound on one provider call

  std::string bedrock_region;        // AWS_BEDROCK_REGION (default AWS_REGION, then us-east-1)
  std::string bedrock_model_id = "anthropic.claude-3-haiku-20240307-v1:0";  // AW_BEDROCK_MODEL_ID
  std::string bedrock_endpoint;      // AW_BEDROCK_ENDPOINT; empty: the regional bedrock-runtime endpoint

  std::string gemini_api_key;        // GEMINI_API_KEY (secret: never logged or returned)
  std::string gemini_model = "gemini-2.0-flash";  // AW_GEMINI_MODEL
  std::string gemini_endpoint = "https://generativelanguage.googleapis.com";  // AW_GEMINI_ENDPOINT

  std::string openai_base_url;       // AW_OPENAI_BASE_URL, e.g. https://api.openai.com/v1
  std::string openai_api_key;        // AW_OPENAI_API_KEY (secret; may be empty for local servers)
  std::string openai_model = "gpt-4o-mini";  // AW_OPENAI_MODEL

  // The server's own AWS credentials for Bedrock (set by app/config from
  // AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY / AWS_SESSION_TOKEN).
  clients::SigV4Credentials aws_credentials;
};

// Validates: the provider name, the time bound (100..120000 ms), and that the
// chosen provider has what it needs (GEMINI_API_KEY for gemini,
// AW_OPENAI_BASE_URL for openai); endpoints must be http(s) URLs.
Result<AiSettings> LoadAiSettings(const std::map<std::string, std::string>& env);

}  // namespace aw::services::ai
