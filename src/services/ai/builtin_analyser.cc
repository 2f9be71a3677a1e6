#include "services/ai/builtin_analyser.h"

#include <algorithm>
#include <set>

namespace aw::services::ai {

namespace {

std::string Describe(core::Pattern p, size_t assets, int64_t total) {
  switch (p) {
    case core::Pattern::kAlertStorm:
      return "an alert storm (" + std::to_string(total) + " alerts in a short time)";
    case core::Pattern::kPeriodic: return "alerts recurring at regular intervals";
    case core::Pattern::kCascadeAcrossAssets:
      return "a cascade across " + std::to_string(assets) + " assets";
    case core::Pattern::kSingleAssetRepeating: return "one asset alerting repeatedly";
    case core::Pattern::kIsolated: return "an isolated alert";
  }
  return "";
}

}  // namespace

Analysis BuiltinAnalyser::Run(const AnalysisInput& in) {
  Analysis a;
  const int64_t total = std::max<int64_t>(in.alert_count, static_cast<int64_t>(in.alerts.size()));
  a.pattern = core::DetectPattern(in.alerts, total);

  std::set<std::string> assets, tools;
  std::string text = in.title;
  for (const auto& al : in.alerts) {
    if (!al.asset_name.empty()) assets.insert(al.asset_name);
    if (!al.tool_source.empty()) tools.insert(al.tool_source);
    if (text.size() < 16384) text += " " + al.message;
  }
  if (assets.empty() && !in.asset_name.empty()) assets.insert(in.asset_name);

  a.severity_hint = core::SeverityHint(in.signature + " " + text);
  a.probable_cause = core::ProbableCauseHint(in.signature, text);
  const bool cause_known = !a.probable_cause.empty();
  if (!cause_known) {
    a.probable_cause = "No known cause matches \"" + in.signature + "\"; check the asset's recent changes and logs.";
  }

  std::vector<core::RunbookFacts> facts;
  for (const auto& r : in.runbooks) facts.push_back({r.id, r.signatures, r.name});
  core::RunbookMatch m = core::MatchRunbook(in.signature, facts);
  if (m.index >= 0) a.runbook_id = in.runbooks[static_cast<size_t>(m.index)].id;

  std::string tool_list;
  for (const auto& t : tools) tool_list += (tool_list.empty() ? "" : ", ") + t;
  a.summary = std::to_string(total) + " alert" + (total == 1 ? "" : "s") + " of \"" + in.signature + "\" on " +
              (assets.size() == 1 ? *assets.begin() : std::to_string(assets.size()) + " assets") +
              (tool_list.empty() ? "" : " (from " + tool_list + ")") + ": " +
              Describe(a.pattern, assets.size(), total) + ", severity " + in.severity + ".";
  if (a.severity_hint && *a.severity_hint != in.severity) {
    a.summary += " The alert text suggests severity " + *a.severity_hint + ".";
  }

  double c = 0.4;
  if (cause_known) c += 0.15;
  if (m.index >= 0) c += m.score >= 1.0 ? 0.2 : 0.1;
  if (a.pattern != core::Pattern::kIsolated) c += 0.1;
  a.confidence = std::clamp(c, 0.1, 0.9);
  return a;
}

Result<Analysis> BuiltinAnalyser::Analyze(const AnalysisInput& in, int /*timeout_ms*/) const { return Run(in); }

}  // namespace aw::services::ai
