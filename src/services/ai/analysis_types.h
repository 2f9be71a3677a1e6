#pragma once

// What an analysis provider is given and what it answers. Plain data.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "base/status.h"
#include "core/analysis.h"

namespace aw::services::ai {

// A runbook of the incident's company that a provider may suggest.
struct RunbookRef {
  std::string id;
  std::string name;
  std::string risk_level;
  std::vector<std::string> signatures;
  std::string description;
};

struct AnalysisInput {
  std::string incident_id;
  std::string title;
  std::string severity;
  std::string status;
  std::string signature;
  std::string asset_name;
  std::string category;
  int64_t alert_count = 0;
  std::vector<core::AlertFacts> alerts;  // a sample, most recent first
  std::vector<RunbookRef> runbooks;      // all of the company's runbooks (bounded)
};

struct Analysis {
  std::string summary;
  std::string probable_cause;
  core::Pattern pattern = core::Pattern::kIsolated;
  std::optional<std::string> runbook_id;  // one of AnalysisInput::runbooks, validated by the service
  double confidence = 0.0;                // 0..1
  std::optional<std::string> severity_hint;
};

// One provider. Analyze must return within about `timeout_ms` (network
// providers pass it as the HTTP call's bound) and never throw; any failure
// is a Status whose message says what went wrong without secrets.
class AnalysisProvider {
 public:
  virtual ~AnalysisProvider() = default;
  virtual std::string name() const = 0;   // "builtin", "bedrock", "gemini", "openai"
  virtual std::string model() const { return ""; }
  virtual Result<Analysis> Analyze(const AnalysisInput& in, int timeout_ms) const = 0;
};

}  // namespace aw::services::ai
