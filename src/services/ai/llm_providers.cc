#include "services/ai/llm_providers.h"

#include "clients/ai_llm.h"
#include "clients/aws_call.h"
#include "services/ai/builtin_analyser.h"
#include "services/ai/llm_prompt.h"

namespace aw::services::ai {

namespace {

// Shared shape: prompt -> provider text -> strict parse.
class LlmProvider : public AnalysisProvider {
 public:
  Result<Analysis> Analyze(const AnalysisInput& in, int timeout_ms) const override {
    clients::LlmPrompt prompt = BuildPrompt(in, BuiltinAnalyser::Run(in));
    auto text = Call(prompt, timeout_ms);
    if (!text.ok()) return text.status();
    auto a = ParseModelAnswer(*text);
    if (!a.ok()) return Status::InvalidArgument(name() + "'s answer is malformed: " + a.status().message());
    return a;
  }

 protected:
  virtual Result<std::string> Call(const clients::LlmPrompt& p, int timeout_ms) const = 0;
};

class BedrockProvider : public LlmProvider {
 public:
  BedrockProvider(const AiSettings& s, const clients::HttpClient* http, const Clock* clock)
      : http_(http), clock_(clock), creds_(s.aws_credentials) {
    to_.region = s.bedrock_region;
    to_.model_id = s.bedrock_model_id;
    to_.endpoint = s.bedrock_endpoint.empty() ? clients::DefaultAwsEndpoint("bedrock-runtime", s.bedrock_region)
                                              : s.bedrock_endpoint;
  }
  std::string name() const override { return "bedrock"; }
  std::string model() const override { return to_.model_id; }

 protected:
  Result<std::string> Call(const clients::LlmPrompt& p, int timeout_ms) const override {
    auto creds = clients::RequireCredentials(creds_);
    if (!creds.ok()) return Status::Unavailable("no AWS credentials for bedrock: " + creds.status().message());
    return clients::BedrockConverse(*http_, to_, *creds, p, timeout_ms, clock_->NowMicros() / 1'000'000);
  }

 private:
  const clients::HttpClient* http_;
  const Clock* clock_;
  clients::SigV4Credentials creds_;
  clients::BedrockTarget to_;
};

class GeminiProvider : public LlmProvider {
 public:
  GeminiProvider(const AiSettings& s, const clients::HttpClient* http) : http_(http) {
    to_.endpoint = s.gemini_endpoint;
    to_.model = s.gemini_model;
    to_.api_key = s.gemini_api_key;
  }
  std::string name() const override { return "gemini"; }
  std::string model() const override { return to_.model; }

 protected:
  Result<std::string> Call(const clients::LlmPrompt& p, int timeout_ms) const override {
    return clients::GeminiGenerate(*http_, to_, p, timeout_ms);
  }

 private:
  const clients::HttpClient* http_;
  clients::GeminiTarget to_;
};

class OpenAiProvider : public LlmProvider {
 public:
  OpenAiProvider(const AiSettings& s, const clients::HttpClient* http) : http_(http) {
    to_.base_url = s.openai_base_url;
    to_.model = s.openai_model;
    to_.api_key = s.openai_api_key;
  }
  std::string name() const override { return "openai"; }
  std::string model() const override { return to_.model; }

 protected:
  Result<std::string> Call(const clients::LlmPrompt& p, int timeout_ms) const override {
    return clients::OpenAiChat(*http_, to_, p, timeout_ms);
  }

 private:
  const clients::HttpClient* http_;
  clients::OpenAiTarget to_;
};

}  // namespace

std::unique_ptr<AnalysisProvider> MakeProvider(const AiSettings& s, const clients::HttpClient* http,
                                               const Clock* clock) {
  if (s.provider == "bedrock") return std::make_unique<BedrockProvider>(s, http, clock);
  if (s.provider == "gemini") return std::make_unique<GeminiProvider>(s, http);
  if (s.provider == "openai") return std::make_unique<OpenAiProvider>(s, http);
  return std::make_unique<BuiltinAnalyser>();
}

}  // namespace aw::services::ai
