#pragma once

// The prompt sent to an LLM provider and the strict parsing of its answer.
//
// Prompt-injection hygiene: the alerts' text is data. It goes, JSON-encoded,
// inside one delimited block that the instructions tell the model never to
// obey; the delimiter cannot occur inside the block. The model may only name
// a runbook id from the list it is given, and the service checks that id
// against the company's runbooks again, so no answer can reach outside the
// company.
//
// Thread-safe (pure functions).

#include <string>

#include "base/status.h"
#include "clients/ai_llm.h"
#include "services/ai/analysis_types.h"

namespace aw::services::ai {

inline constexpr const char* kDataBegin = "<<<ALERT_DATA";
inline constexpr const char* kDataEnd = "ALERT_DATA>>>";
inline constexpr size_t kMaxAlertsInPrompt = 40;
inline constexpr size_t kMaxMessageChars = 300;

// `hint` is the built-in analyser's result, offered to the model as context.
clients::LlmPrompt BuildPrompt(const AnalysisInput& in, const Analysis& hint);

// The model's text -> Analysis. Accepts one JSON object, optionally wrapped in
// a ``` fence. InvalidArgument naming the first bad field when: not JSON,
// summary / probable_cause not non-empty strings, pattern not one of the five
// names, confidence not a number in [0, 1], suggested_runbook_id neither a
// string nor null. Long strings are clipped (summary 2000, cause 1000 chars).
Result<Analysis> ParseModelAnswer(const std::string& text);

}  // namespace aw::services::ai
