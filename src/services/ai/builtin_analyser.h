#pragma once

// The built-in analyser: no network, always available, deterministic.
// Pattern from the alerts (core::DetectPattern), severity and cause hints
// from keywords, runbook by signature (core::MatchRunbook).

#include "services/ai/analysis_types.h"

namespace aw::services::ai {

class BuiltinAnalyser : public AnalysisProvider {
 public:
  std::string name() const override { return "builtin"; }
  Result<Analysis> Analyze(const AnalysisInput& in, int timeout_ms) const override;
  // Same, without the Result wrapper (it cannot fail).
  static Analysis Run(const AnalysisInput& in);
};

}  // namespace aw::services::ai
