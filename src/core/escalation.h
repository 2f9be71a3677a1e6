#pragma once

// Escalation policy maths (pure; the caller passes "now").
//
// A policy has levels, each with a delay and a target, and triggers. The
// escalation clock of an incident starts at the earliest trigger that has
// happened: unacknowledged for N minutes (created + N), priority at or above
// the threshold (from creation), the SLA warning or breach instant. Level k
// is due at start + its delay_minutes (delays never decrease with the
// level). Nothing is due once the incident is acknowledged or closed, and a
// level is due only when the incident's escalation_level is below it, so each
// level fires once.
//
// Thread-safe (pure functions, value types).

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace aw::core {

enum class EscalationTarget { kOnCall, kTechnicians, kCompanyAdmins, kMspAdmins, kUsers };
const char* EscalationTargetName(EscalationTarget t);
std::optional<EscalationTarget> ParseEscalationTarget(const std::string& s);

struct EscalationLevel {
  int level = 1;  // 1, 2, 3, ... in order
  int delay_minutes = 0;
  EscalationTarget target = EscalationTarget::kOnCall;
  std::vector<std::string> user_ids;  // kUsers only
};

struct EscalationTriggers {
  int unacknowledged_minutes = 15;         // 0: off
  std::optional<int> priority_threshold;   // nullopt: off
  bool sla_warning = true;
  bool sla_breach = true;
};

struct EscalationPolicy {
  bool enabled = true;
  std::vector<EscalationLevel> levels;
  EscalationTriggers triggers;
};

// Level 1: the on-call technician at once; level 2: the company admins after
// 15 minutes; level 3: the MSP admins after 30 minutes. Triggers: 15 minutes
// unacknowledged, SLA warning, SLA breach.
EscalationPolicy DefaultEscalationPolicy();

struct EscalationFacts {
  int64_t created_s = 0;
  bool open = true;
  bool acknowledged = false;
  int priority = 0;
  int fired_level = 0;  // the incident's escalation_level
  std::optional<int64_t> sla_warning_s;  // when the running SLA clock warns
  std::optional<int64_t> sla_breach_s;   // ... and breaches
};

struct EscalationStart {
  int64_t at_s = 0;
  std::string reason;
};

// The earliest trigger that has happened by `now_s`, or nullopt.
std::optional<EscalationStart> EscalationStartOf(const EscalationPolicy& p, const EscalationFacts& f, int64_t now_s);

struct DueLevel {
  EscalationLevel level;
  int64_t due_s = 0;
  std::string reason;
};

// Levels above fired_level that are due at `now_s`, lowest first.
std::vector<DueLevel> DueLevels(const EscalationPolicy& p, const EscalationFacts& f, int64_t now_s);

}  // namespace aw::core
