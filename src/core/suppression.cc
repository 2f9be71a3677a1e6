#include "core/suppression.h"

namespace aw::core {

const char* SuppressedByName(SuppressedBy s) {
  switch (s) {
    case SuppressedBy::kNone:
      return "";
    case SuppressedBy::kSilence:
      return "silence";
    case SuppressedBy::kMaintenance:
      return "maintenance";
    case SuppressedBy::kInhibition:
      return "inhibited";
  }
  return "";
}

bool IsInhibitionSource(const MatchFacts& alert, const NoiseRules& rules) {
  for (const auto& r : rules.inhibition) {
    if (MatchesAll(r.source, alert)) return true;
  }
  return false;
}

SuppressionDecision DecideSuppression(const MatchFacts& alert, const NoiseRules& rules,
                                      const std::vector<InhibitionSource>& sources, int64_t now_s) {
  SuppressionDecision d;
  if (rules.empty()) return d;
  for (const auto& s : rules.silences) {
    if (s.starts_s <= now_s && now_s < s.ends_s && MatchesAll(s.matchers, alert)) {
      d.by = SuppressedBy::kSilence;
      d.id = s.id;
      return d;
    }
  }
  for (const auto& w : rules.windows) {
    if (w.AppliesTo(alert.asset) && InWindow(w, now_s)) {
      d.by = SuppressedBy::kMaintenance;
      d.id = w.id;
      return d;
    }
  }
  for (const auto& r : rules.inhibition) {
    if (!MatchesAll(r.target, alert)) continue;
    const bool target_is_source = MatchesAll(r.source, alert);
    for (const auto& src : sources) {
      if (!MatchesAll(r.source, src.facts)) continue;
      if (target_is_source && MatchesAll(r.target, src.facts)) continue;
      bool equal = true;
      for (const auto& name : r.equal) {
        if (FactValue(alert, name) != FactValue(src.facts, name)) {
          equal = false;
          break;
        }
      }
      if (equal) {
        d.by = SuppressedBy::kInhibition;
        d.id = src.alert_id;
        return d;
      }
    }
  }
  d.inhibition_source = IsInhibitionSource(alert, rules);
  return d;
}

}  // namespace aw::core
