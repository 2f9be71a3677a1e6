#include "core/sla.h"

namespace aw::core {

SlaPolicy DefaultSlaPolicy() {
  SlaPolicy p;
  p.targets[static_cast<size_t>(Severity::kCritical)] = {30, 240};
  p.targets[static_cast<size_t>(Severity::kHigh)] = {120, 480};
  p.targets[static_cast<size_t>(Severity::kMedium)] = {480, 1440};
  p.targets[static_cast<size_t>(Severity::kLow)] = {1440, 2880};
  return p;
}

namespace {

// Seconds of a target after which its warning starts.
int64_t WarningAfter(int target_minutes, int warning_percent) {
  return int64_t{target_minutes} * 60 * warning_percent / 100;
}

}  // namespace

SlaDeadlines ComputeDeadlines(const SlaPolicy& p, const TimeZone* tz, Severity s, int64_t created_s) {
  const SlaTargets& t = p.For(s);
  const int64_t response_s = int64_t{t.response_minutes} * 60;
  const int64_t resolution_s = int64_t{t.resolution_minutes} * 60;
  const int64_t response_warn_s = WarningAfter(t.response_minutes, p.warning_percent);
  const int64_t resolution_warn_s = WarningAfter(t.resolution_minutes, p.warning_percent);
  SlaDeadlines d;
  if (p.business_hours && tz != nullptr) {
    BusinessHours bh{tz, p.start_minute, p.end_minute, p.days};
    d.response_due_s = AddBusinessSeconds(bh, created_s, response_s);
    d.resolution_due_s = AddBusinessSeconds(bh, created_s, resolution_s);
    d.response_warning_s = AddBusinessSeconds(bh, created_s, response_warn_s);
    d.resolution_warning_s = AddBusinessSeconds(bh, created_s, resolution_warn_s);
  } else {
    d.response_due_s = created_s + response_s;
    d.resolution_due_s = created_s + resolution_s;
    d.response_warning_s = created_s + response_warn_s;
    d.resolution_warning_s = created_s + resolution_warn_s;
  }
  return d;
}

int64_t WarningFromDue(int64_t due_s, int target_minutes, int warning_percent) {
  return due_s - (int64_t{target_minutes} * 60 - WarningAfter(target_minutes, warning_percent));
}

const char* SlaStateName(SlaState s) {
  switch (s) {
    case SlaState::kOnTrack: return "on_track";
    case SlaState::kResponseWarning: return "response_warning";
    case SlaState::kResponseBreached: return "response_breached";
    case SlaState::kResolutionWarning: return "resolution_warning";
    case SlaState::kResolutionBreached: return "resolution_breached";
  }
  return "on_track";
}

SlaEvaluation EvaluateSla(const SlaClock& c, int64_t now_s) {
  SlaEvaluation e;
  e.resolved = c.resolved_s.has_value();
  // Resolving also answers the incident.
  std::optional<int64_t> responded = c.responded_s;
  if (!responded && c.resolved_s) responded = c.resolved_s;
  if (responded && c.resolved_s && *c.resolved_s < *responded) responded = c.resolved_s;
  e.responded = responded.has_value();
  const int64_t response_at = responded ? *responded : now_s;
  const int64_t resolution_at = c.resolved_s ? *c.resolved_s : now_s;
  e.response_seconds_left = c.response_due_s - response_at;
  e.resolution_seconds_left = c.resolution_due_s - resolution_at;
  e.response_breached = responded ? *responded > c.response_due_s : now_s >= c.response_due_s;
  e.resolution_breached = c.resolved_s ? *c.resolved_s > c.resolution_due_s : now_s >= c.resolution_due_s;
  e.response_warning = !responded && !e.response_breached && now_s >= c.response_warning_s;
  e.resolution_warning = !e.resolved && !e.resolution_breached && now_s >= c.resolution_warning_s;
  if (e.resolution_breached) {
    e.state = SlaState::kResolutionBreached;
  } else if (e.response_breached) {
    e.state = SlaState::kResponseBreached;
  } else if (e.response_warning) {
    e.state = SlaState::kResponseWarning;
  } else if (e.resolution_warning) {
    e.state = SlaState::kResolutionWarning;
  }
  return e;
}

}  // namespace aw::core
