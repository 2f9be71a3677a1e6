#pragma once

// The network providers (Bedrock, Gemini, OpenAI-compatible) behind
// AnalysisProvider, and the factory that picks one from the settings.
// Thread-safe: they hold only settings and a thread-safe HttpClient.

#include <memory>

#include "base/clock.h"
#include "clients/http_client.h"
#include "services/ai/ai_settings.h"
#include "services/ai/analysis_types.h"

namespace aw::services::ai {

// The provider AW_AI_PROVIDER names; the built-in analyser for "builtin".
// `http` and `clock` outlive the provider.
std::unique_ptr<AnalysisProvider> MakeProvider(const AiSettings& s, const clients::HttpClient* http,
                                               const Clock* clock);

}  // namespace aw::services::ai
