#include "core/escalation.h"

namespace aw::core {

const char* EscalationTargetName(EscalationTarget t) {
  switch (t) {
    case EscalationTarget::kOnCall: return "on_call";
    case EscalationTarget::kTechnicians: return "technicians";
    case EscalationTarget::kCompanyAdmins: return "company_admins";
    case EscalationTarget::kMspAdmins: return "msp_admins";
    case EscalationTarget::kUsers: return "users";
  }
  return "on_call";
}

std::optional<EscalationTarget> ParseEscalationTarget(const std::string& s) {
  for (auto t : {EscalationTarget::kOnCall, EscalationTarget::kTechnicians, EscalationTarget::kCompanyAdmins,
                 EscalationTarget::kMspAdmins, EscalationTarget::kUsers}) {
    if (s == EscalationTargetName(t)) return t;
  }
  return std::nullopt;
}

EscalationPolicy DefaultEscalationPolicy() {
  EscalationPolicy p;
  p.levels = {{1, 0, EscalationTarget::kOnCall, {}},
              {2, 15, EscalationTarget::kCompanyAdmins, {}},
              {3, 30, EscalationTarget::kMspAdmins, {}}};
  return p;
}

std::optional<EscalationStart> EscalationStartOf(const EscalationPolicy& p, const EscalationFacts& f, int64_t now_s) {
  std::optional<EscalationStart> best;
  auto consider = [&](int64_t at, std::string reason) {
    if (at <= now_s && (!best || at < best->at_s)) best = EscalationStart{at, std::move(reason)};
  };
  const auto& t = p.triggers;
  if (t.unacknowledged_minutes > 0) {
    consider(f.created_s + int64_t{t.unacknowledged_minutes} * 60,
             "unacknowledged for " + std::to_string(t.unacknowledged_minutes) + " minutes");
  }
  if (t.priority_threshold && f.priority >= *t.priority_threshold) {
    consider(f.created_s, "priority " + std::to_string(f.priority) + " is at or above " +
                              std::to_string(*t.priority_threshold));
  }
  if (t.sla_warning && f.sla_warning_s) consider(*f.sla_warning_s, "SLA warning");
  if (t.sla_breach && f.sla_breach_s) consider(*f.sla_breach_s, "SLA breached");
  return best;
}

std::vector<DueLevel> DueLevels(const EscalationPolicy& p, const EscalationFacts& f, int64_t now_s) {
  std::vector<DueLevel> out;
  if (!p.enabled || !f.open || f.acknowledged) return out;
  auto start = EscalationStartOf(p, f, now_s);
  if (!start) return out;
  for (const auto& l : p.levels) {
    if (l.level <= f.fired_level) continue;
    int64_t due = start->at_s + int64_t{l.delay_minutes} * 60;
    if (due > now_s) break;  // delays never decrease: later levels are not due either
    out.push_back({l, due, start->reason});
  }
  return out;
}

}  // namespace aw::core
