#pragma once

// Noise control: whether an arriving alert is suppressed, and by what
// (docs/noise-control.md). The one rule both intake paths apply (the
// embedded pipeline and the conditional path), after repeat removal and
// before correlation: state in (the company's rules, the active inhibition
// sources, "now"), decision out.
//
// Order: an active silence first, then a maintenance window, then
// inhibition. A silence is active for starts_s <= now < ends_s. Inhibition
// follows Alertmanager: a target (target_matchers) is inhibited while an
// active source alert (source_matchers) has the same value for every label
// in `equal` (a label missing on both sides counts as equal); an alert that
// matches both sides of a rule is never inhibited by an alert that does too
// (so it cannot inhibit itself).
//
// Pure and thread-safe (value types; matchers are shared immutable).

#include <cstdint>
#include <string>
#include <vector>

#include "core/maintenance.h"
#include "core/matchers.h"

namespace aw::core {

struct Silence {
  std::string id;
  std::vector<Matcher> matchers;
  int64_t starts_s = 0;
  int64_t ends_s = 0;
};

struct InhibitionRule {
  std::vector<Matcher> source;
  std::vector<Matcher> target;
  std::vector<std::string> equal;  // names as in matchers (asset, signature, a label ...)
};

struct NoiseRules {
  std::vector<Silence> silences;
  std::vector<MaintenanceWindow> windows;
  std::vector<InhibitionRule> inhibition;

  bool empty() const { return silences.empty() && windows.empty() && inhibition.empty(); }
};

// An active alert that matches the source side of a rule.
struct InhibitionSource {
  std::string alert_id;
  MatchFacts facts;
};

enum class SuppressedBy { kNone, kSilence, kMaintenance, kInhibition };
// "silence", "maintenance", "inhibited" (the alert's `suppressed` mark), "" for kNone.
const char* SuppressedByName(SuppressedBy s);

struct SuppressionDecision {
  SuppressedBy by = SuppressedBy::kNone;
  std::string id;  // the silence, the window, or the inhibiting source alert
  // Not suppressed and matches the source side of some rule: the caller
  // records it as an inhibition source while it is active.
  bool inhibition_source = false;
};

SuppressionDecision DecideSuppression(const MatchFacts& alert, const NoiseRules& rules,
                                      const std::vector<InhibitionSource>& sources, int64_t now_s);

// Whether `alert` matches the source side of any rule.
bool IsInhibitionSource(const MatchFacts& alert, const NoiseRules& rules);

}  // namespace aw::core
