#include "services/ai/ai_settings.h"

#include <charconv>
#include <optional>

namespace aw::services::ai {

namespace {

Status Bad(const std::string& name, const std::string& value, const std::string& want) {
  return Status::InvalidArgument("setting " + name + "=\"" + value + "\" is invalid: " + want);
}

bool IsHttpUrl(const std::string& s) { return s.rfind("http://", 0) == 0 || s.rfind("https://", 0) == 0; }

}  // namespace

Result<AiSettings> LoadAiSettings(const std::map<std::string, std::string>& env) {
  auto get = [&](const char* name) -> std::optional<std::string> {
    auto it = env.find(name);
    if (it == env.end() || it->second.empty()) return std::nullopt;
    return it->second;
  };
  AiSettings s;
  if (auto v = get("AW_AI_PROVIDER")) {
    if (*v != "builtin" && *v != "bedrock" && *v != "gemini" && *v != "openai") {
      return Bad("AW_AI_PROVIDER", *v, "expected builtin, bedrock, gemini or openai");
    }
    s.provider = *v;
  }
  if (auto v = get("AW_AI_TIMEOUT_MS")) {
    int x = 0;
    auto [p, ec] = std::from_chars(v->data(), v->data() + v->size(), x);
    if (ec != std::errc() || p != v->data() + v->size() || x < 100 || x > 120000) {
      return Bad("AW_AI_TIMEOUT_MS", *v, "expected a whole number of milliseconds from 100 to 120000");
    }
    s.timeout_ms = x;
  }
  s.bedrock_region = get("AWS_BEDROCK_REGION").value_or(get("AWS_REGION").value_or("us-east-1"));
  if (auto v = get("AW_BEDROCK_MODEL_ID")) s.bedrock_model_id = *v;
  if (auto v = get("AW_BEDROCK_ENDPOINT")) {
    if (!IsHttpUrl(*v)) return Bad("AW_BEDROCK_ENDPOINT", *v, "expected an http(s) URL");
    s.bedrock_endpoint = *v;
  }
  if (auto v = get("GEMINI_API_KEY")) s.gemini_api_key = *v;
  if (auto v = get("AW_GEMINI_MODEL")) s.gemini_model = *v;
  if (auto v = get("AW_GEMINI_ENDPOINT")) {
    if (!IsHttpUrl(*v)) return Bad("AW_GEMINI_ENDPOINT", *v, "expected an http(s) URL");
    s.gemini_endpoint = *v;
  }
  if (auto v = get("AW_OPENAI_BASE_URL")) {
    if (!IsHttpUrl(*v)) return Bad("AW_OPENAI_BASE_URL", *v, "expected an http(s) URL such as https://api.openai.com/v1");
    s.openai_base_url = *v;
  }
  if (auto v = get("AW_OPENAI_API_KEY")) s.openai_api_key = *v;
  if (auto v = get("AW_OPENAI_MODEL")) s.openai_model = *v;

  if (s.provider == "gemini" && s.gemini_api_key.empty()) {
    return Status::InvalidArgument("setting GEMINI_API_KEY is missing: AW_AI_PROVIDER=gemini needs it");
  }
  if (s.provider == "openai" && s.openai_base_url.empty()) {
    return Status::InvalidArgument("setting AW_OPENAI_BASE_URL is missing: AW_AI_PROVIDER=openai needs it");
  }
  return s;
}

}  // namespace aw::services::ai
