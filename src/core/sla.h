#pragma once

// SLA policy and clock maths (pure; the caller passes "now").
//
// A company's policy gives response and resolution targets per severity, a
// warning threshold relative to each target (the warning starts when
// warning_percent of the target has elapsed, so a short target is not in
// warning from its first minute), and optional business hours. Deadlines are computed
// once, when an incident opens (ComputeDeadlines), and stamped on it. The
// clock of an incident: "responded" is the first of acknowledged_at /
// assigned_at, "resolved" stops both clocks.
//
// Thread-safe (pure functions, value types).

#include <array>
#include <cstdint>
#include <optional>
#include <string>

#include "core/business_time.h"
#include "core/severity.h"

namespace aw::core {

struct SlaTargets {
  int response_minutes = 0;
  int resolution_minutes = 0;
};

struct SlaPolicy {
  bool enabled = true;
  std::array<SlaTargets, 4> targets;  // indexed by Severity (low, medium, high, critical)
  int warning_percent = 80;  // 1..99 (kMinWarningPercent..kMaxWarningPercent)
  bool business_hours = false;
  std::string timezone = "UTC";
  int start_minute = 9 * 60;
  int end_minute = 17 * 60;
  std::array<bool, 7> days = {true, true, true, true, true, false, false};  // Monday = 0

  const SlaTargets& For(Severity s) const { return targets[static_cast<size_t>(s)]; }
};

inline constexpr int kMinWarningPercent = 1;
inline constexpr int kMaxWarningPercent = 99;

// critical 30/240, high 120/480, medium 480/1440, low 1440/2880 minutes,
// warning once 80 % of a target has elapsed, calendar time.
SlaPolicy DefaultSlaPolicy();

// Each deadline with the instant its warning starts (warning_percent of the
// target after creation, in business time when the policy uses it).
struct SlaDeadlines {
  int64_t response_due_s = 0;
  int64_t resolution_due_s = 0;
  int64_t response_warning_s = 0;
  int64_t resolution_warning_s = 0;
};

// The warning instant of a clock stamped before warning instants existed:
// `warning_percent` of `target_minutes` before `due_s`, counted back in
// calendar time (an approximation under business hours).
int64_t WarningFromDue(int64_t due_s, int target_minutes, int warning_percent);

// `tz` is used only with business hours (REQUIRES non-null then).
SlaDeadlines ComputeDeadlines(const SlaPolicy& p, const TimeZone* tz, Severity s, int64_t created_s);

enum class SlaState { kOnTrack, kResponseWarning, kResponseBreached, kResolutionWarning, kResolutionBreached };
const char* SlaStateName(SlaState s);

struct SlaClock {
  int64_t response_due_s = 0;
  int64_t resolution_due_s = 0;
  int64_t response_warning_s = 0;    // the response warning starts here
  int64_t resolution_warning_s = 0;  // the resolution warning starts here
  std::optional<int64_t> responded_s;
  std::optional<int64_t> resolved_s;
};

struct SlaEvaluation {
  SlaState state = SlaState::kOnTrack;
  bool responded = false;
  bool resolved = false;
  // Seconds until the deadline, measured at `now` while the clock runs, at
  // the response / resolution when it stopped; negative once past it.
  int64_t response_seconds_left = 0;
  int64_t resolution_seconds_left = 0;
  bool response_breached = false;    // not responded by the due time
  bool resolution_breached = false;  // not resolved by the due time
  bool response_warning = false;     // past the warning instant, not yet breached, still running
  bool resolution_warning = false;
};

// The state shown: the worst of resolution breached > response breached >
// response warning > resolution warning > on track. A resolved incident
// keeps the breaches it had (its clock stopped), never a warning.
SlaEvaluation EvaluateSla(const SlaClock& c, int64_t now_s);

}  // namespace aw::core
