#pragma once

// Pure logic of the built-in incident analyser: the pattern an incident's
// alerts form, keyword hints for severity and probable cause, and the match
// of an incident to a runbook by signature. No I/O, no clock (times are
// passed in). Thread-safe (stateless).

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace aw::core {

enum class Pattern { kSingleAssetRepeating, kCascadeAcrossAssets, kAlertStorm, kPeriodic, kIsolated };

// "single_asset_repeating", "cascade_across_assets", "alert_storm", "periodic", "isolated".
const char* PatternName(Pattern p);
std::optional<Pattern> ParsePattern(std::string_view s);

// What the analyser needs of one alert.
struct AlertFacts {
  std::string asset_name;
  std::string signature;
  std::string message;
  std::string tool_source;
  int64_t timestamp_us = 0;
};

// Thresholds of DetectPattern (defaults documented in docs/ai.md).
struct PatternRules {
  int64_t storm_total = 50;            // this many alerts in the incident: a storm
  int storm_burst = 20;                // or this many within storm_window_us
  int64_t storm_window_us = 5LL * 60 * 1'000'000;
  int periodic_min_alerts = 4;         // regular intervals need at least this many alerts
  double periodic_max_jitter = 0.25;   // stddev / mean of the intervals
  int64_t periodic_min_interval_us = 30LL * 1'000'000;
};

// The pattern of an incident's alerts. `alerts` is a sample (any order, may be
// fewer than the incident holds); `total_alert_count` is the incident's own
// count (max'ed with the sample size). Rules in order: alert storm; periodic
// (regular intervals between alerts); cascade (two or more assets);
// single asset repeating (two or more alerts); otherwise isolated.
Pattern DetectPattern(const std::vector<AlertFacts>& alerts, int64_t total_alert_count,
                      const PatternRules& rules = {});

// A severity suggested by keywords of the text ("critical", "high",
// "medium"), or nullopt when no keyword matches. Case-insensitive.
std::optional<std::string> SeverityHint(std::string_view text);

// A one-sentence probable cause from keywords of signature and messages, or
// "" when nothing matches.
std::string ProbableCauseHint(std::string_view signature, std::string_view text);

// A runbook as the matcher sees it.
struct RunbookFacts {
  std::string id;
  std::vector<std::string> signatures;  // the incident signatures it fits
  std::string name;
};

struct RunbookMatch {
  int index = -1;       // into the runbooks given; -1: none
  double score = 0.0;   // 1.0 exact signature; else token overlap (Jaccard) >= 0.5
};

// The best runbook for an incident signature: an exact (case-insensitive)
// signature match wins; otherwise the highest token overlap of the
// signatures (tokens split on '_', '-', '.', ' '), at least 0.5. Ties: the
// first runbook given.
RunbookMatch MatchRunbook(std::string_view incident_signature, const std::vector<RunbookFacts>& runbooks);

}  // namespace aw::core
