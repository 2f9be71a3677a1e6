#include "services/response/escalation_service.h"

#include <algorithm>

#include <spdlog/spdlog.h>

#include "base/errors.h"
#include "base/json_fields.h"
#include "base/time_format.h"
#include "core/incident_status.h"
#include "store/tables.h"

namespace aw::services {

namespace t = store::tables;
using nlohmann::json;

namespace {

constexpr size_t kMaxLevels = 10;
constexpr int kMaxDelayMinutes = 10080;  // a week

json LevelView(const core::EscalationLevel& l) {
  json o = {{"level", l.level}, {"delay_minutes", l.delay_minutes}, {"target", core::EscalationTargetName(l.target)}};
  if (l.target == core::EscalationTarget::kUsers) o["user_ids"] = l.user_ids;
  return o;
}

int IntIn(const json& v, const std::string& field, int lo, int hi) {
  if (!v.is_number_integer()) ThrowInvalidField(field, "must be an integer");
  int64_t x = v.get<int64_t>();
  if (x < lo || x > hi) ThrowInvalidField(field, "must be between " + std::to_string(lo) + " and " + std::to_string(hi));
  return static_cast<int>(x);
}

std::optional<int64_t> Seconds(const json& item, const char* field) {
  auto it = item.find(field);
  if (it == item.end() || !it->is_string()) return std::nullopt;
  auto us = ParseIso8601(it->get<std::string>());
  if (!us) return std::nullopt;
  return *us / 1'000'000;
}

// The stored "escalation_policy" item over the defaults
// (ConfigService::PolicyOf). Values of the wrong type are ignored; the
// original service's level shape {after_minutes, notify: [user ids]} (kept by
// import-mongo) is read too.
void ApplyEscalationConfig(const json& c, core::EscalationPolicy* p) {
  ReadBool(c, "enabled", &p->enabled);
  if (c.contains("levels") && c["levels"].is_array() && !c["levels"].empty()) {
    std::vector<core::EscalationLevel> levels;
    int prev = 0;
    for (const auto& l : c["levels"]) {
      if (!l.is_object()) continue;
      core::EscalationLevel lv;
      lv.level = static_cast<int>(levels.size()) + 1;
      lv.delay_minutes = std::max(prev, IntOr(l, "delay_minutes", IntOr(l, "after_minutes", prev)));
      prev = lv.delay_minutes;
      const json& ids = l.contains("user_ids") ? l["user_ids"] : l.contains("notify") ? l["notify"] : json();
      if (ids.is_array()) {
        for (const auto& u : ids) {
          if (u.is_string()) lv.user_ids.push_back(u.get<std::string>());
        }
      }
      auto target = l.contains("target") && l["target"].is_string()
                        ? core::ParseEscalationTarget(l["target"].get<std::string>())
                        : std::nullopt;
      lv.target = target.value_or(lv.user_ids.empty() ? core::EscalationTarget::kOnCall : core::EscalationTarget::kUsers);
      levels.push_back(std::move(lv));
    }
    if (!levels.empty()) p->levels = std::move(levels);
  }
  if (c.contains("triggers") && c["triggers"].is_object()) {
    const json& tr = c["triggers"];
    auto& t = p->triggers;
    t.unacknowledged_minutes = IntOr(tr, "unacknowledged_minutes", t.unacknowledged_minutes);
    if (tr.contains("priority_threshold") && tr["priority_threshold"].is_number_integer()) {
      t.priority_threshold = tr["priority_threshold"].get<int>();
    } else {
      t.priority_threshold.reset();
    }
    ReadBool(tr, "sla_warning", &t.sla_warning);
    ReadBool(tr, "sla_breach", &t.sla_breach);
  }
}

}  // namespace

core::EscalationPolicy EscalationService::PolicyFor(const std::string& company_id) {
  return configs_->PolicyOf(company_id, "escalation_policy", core::DefaultEscalationPolicy(), ApplyEscalationConfig);
}

json EscalationService::PolicyView(const std::string& company_id) {
  core::EscalationPolicy p = PolicyFor(company_id);
  json levels = json::array();
  for (const auto& l : p.levels) levels.push_back(LevelView(l));
  auto stored = configs_->Get(company_id, "escalation_policy");
  return {{"company_id", company_id},
          {"enabled", p.enabled},
          {"levels", levels},
          {"triggers",
           {{"unacknowledged_minutes", p.triggers.unacknowledged_minutes},
            {"priority_threshold", p.triggers.priority_threshold ? json(*p.triggers.priority_threshold) : json()},
            {"sla_warning", p.triggers.sla_warning},
            {"sla_breach", p.triggers.sla_breach}}},
          {"is_default", !stored.has_value()},
          {"updated_at", stored ? stored->value("updated_at", json()) : json()}};
}

json EscalationService::PutPolicy(const std::string& company_id, const json& body) {
  // The read-only fields of the view are accepted (and ignored) so a GET's
  // answer can be sent back as it is.
  RejectUnknownFields(body, {"enabled", "levels", "triggers", "company_id", "is_default", "updated_at"});
  json cur = PolicyView(company_id);
  if (body.contains("enabled") && !body["enabled"].is_null()) {
    if (!body["enabled"].is_boolean()) ThrowInvalidField("enabled", "must be true or false");
    cur["enabled"] = body["enabled"];
  }
  if (body.contains("levels") && !body["levels"].is_null()) {
    const json& ls = body["levels"];
    if (!ls.is_array() || ls.empty() || ls.size() > kMaxLevels) {
      ThrowInvalidField("levels", "must be a list of 1 to 10 levels");
    }
    json levels = json::array();
    int prev_delay = 0;
    for (size_t i = 0; i < ls.size(); ++i) {
      const std::string f = "levels[" + std::to_string(i) + "]";
      if (!ls[i].is_object()) ThrowInvalidField(f, "must be an object {delay_minutes, target}");
      const json& l = ls[i];
      RejectUnknownFields(l, {"level", "delay_minutes", "target", "user_ids"}, f + ".");
      int delay = l.contains("delay_minutes") && !l["delay_minutes"].is_null()
                      ? IntIn(l["delay_minutes"], f + ".delay_minutes", 0, kMaxDelayMinutes)
                      : prev_delay;
      if (delay < prev_delay) ThrowInvalidField(f + ".delay_minutes", "must not be less than the previous level's");
      prev_delay = delay;
      if (!l.contains("target") || !l["target"].is_string()) ThrowInvalidField(f + ".target", "field required");
      auto target = core::ParseEscalationTarget(l["target"].get<std::string>());
      if (!target) ThrowInvalidField(f + ".target", "must be one of: on_call, technicians, company_admins, msp_admins, users");
      json lv = {{"level", static_cast<int>(i) + 1}, {"delay_minutes", delay}, {"target", l["target"]}};
      if (*target == core::EscalationTarget::kUsers) {
        if (!l.contains("user_ids") || !l["user_ids"].is_array() || l["user_ids"].empty() || l["user_ids"].size() > 50) {
          ThrowInvalidField(f + ".user_ids", "a list of 1 to 50 user ids is required for target users");
        }
        for (const auto& u : l["user_ids"]) {
          if (!u.is_string()) ThrowInvalidField(f + ".user_ids", "must be strings");
          auto item = ctx_->store->GetItem({t::kUsers, {u.get<std::string>(), std::nullopt}});
          bool ok = item.ok() && item->contains("email");
          if (ok && item->value("role", "") != "msp_admin" && item->value("role", "") != "admin") {
            bool member = false;
            for (const auto& c : item->value("company_ids", json::array())) member = member || c == company_id;
            ok = member && item->value("role", "") != "client";
          }
          if (!ok) ThrowInvalidField(f + ".user_ids", "no technician or admin of this company with id " + u.get<std::string>());
        }
        lv["user_ids"] = l["user_ids"];
      }
      levels.push_back(std::move(lv));
    }
    cur["levels"] = levels;
  }
  if (body.contains("triggers") && !body["triggers"].is_null()) {
    const json& tr = body["triggers"];
    if (!tr.is_object()) ThrowInvalidField("triggers", "must be an object");
    RejectUnknownFields(tr, {"unacknowledged_minutes", "priority_threshold", "sla_warning", "sla_breach"}, "triggers.");
    json& ct = cur["triggers"];
    if (tr.contains("unacknowledged_minutes") && !tr["unacknowledged_minutes"].is_null()) {
      ct["unacknowledged_minutes"] = IntIn(tr["unacknowledged_minutes"], "triggers.unacknowledged_minutes", 0, kMaxDelayMinutes);
    }
    if (tr.contains("priority_threshold")) {
      ct["priority_threshold"] = tr["priority_threshold"].is_null()
                                     ? json()
                                     : json(IntIn(tr["priority_threshold"], "triggers.priority_threshold", 0, 1000));
    }
    for (const char* f : {"sla_warning", "sla_breach"}) {
      if (!tr.contains(f) || tr[f].is_null()) continue;
      if (!tr[f].is_boolean()) ThrowInvalidField(std::string("triggers.") + f, "must be true or false");
      ct[f] = tr[f];
    }
  }
  cur.erase("company_id");
  cur.erase("is_default");
  cur.erase("updated_at");
  configs_->Put(company_id, "escalation_policy", cur);
  return PolicyView(company_id);
}

std::vector<std::string> EscalationService::TargetUsers(const std::string& cid, const core::EscalationLevel& l) {
  std::vector<std::string> out;
  switch (l.target) {
    case core::EscalationTarget::kOnCall: {
      auto on = oncall_->Current(cid, ctx_->clock->NowSeconds());
      if (on.found) return {on.user_id};
      return oncall_->UserIdsWithRole(cid, "technician");
    }
    case core::EscalationTarget::kTechnicians: return oncall_->UserIdsWithRole(cid, "technician");
    case core::EscalationTarget::kCompanyAdmins: return oncall_->UserIdsWithRole(cid, "company_admin");
    case core::EscalationTarget::kMspAdmins: return oncall_->UserIdsWithRole(cid, "msp_admin");
    case core::EscalationTarget::kUsers: return l.user_ids;
  }
  return out;
}

int EscalationService::Check(const json& inc) {
  const std::string status = inc.value("status", "");
  if (!core::IsOpenStatus(status) || inc.contains("acknowledged_at")) return 0;
  const std::string cid = inc.value("company_id", "");
  core::EscalationPolicy p = PolicyFor(cid);
  if (!p.enabled || p.levels.empty()) return 0;
  core::EscalationFacts f;
  auto created = Seconds(inc, "created_at");
  if (!created) return 0;
  f.created_s = *created;
  f.open = true;
  f.acknowledged = false;
  f.fired_level = inc.value("escalation_level", 0);
  f.priority = incidents_->View(inc).value("priority_score", 0);
  core::SlaClock c;
  if (sla_->ClockOf(inc, &c) && !c.resolved_s) {
    const int64_t due = c.responded_s ? c.resolution_due_s : c.response_due_s;
    f.sla_warning_s = c.responded_s ? c.resolution_warning_s : c.response_warning_s;
    f.sla_breach_s = due;
  }
  int fired = 0;
  json cur = inc;
  for (const auto& d : core::DueLevels(p, f, ctx_->clock->NowSeconds())) {
    if (!Fire(cur, d)) break;
    ++fired;
    // The next level's condition is on the updated item.
    auto r = ctx_->store->GetItem({t::kIncidents, {cid, inc.value("id", "")}});
    if (!r.ok()) break;
    cur = std::move(r).value();
  }
  return fired;
}

bool EscalationService::Fire(const json& inc, const core::DueLevel& d) {
  const std::string cid = inc.value("company_id", "");
  const std::string id = inc.value("id", "");
  const std::string status = inc.value("status", "new");
  const int level = d.level.level;
  std::vector<std::string> users = TargetUsers(cid, d.level);
  const std::string target = core::EscalationTargetName(d.level.target);
  const std::string reason = "level " + std::to_string(level) + " (" + target + "): " + d.reason;
  const std::string now = ctx_->Now();
  store::UpdateRequest u;
  u.table = t::kIncidents;
  u.key = {cid, id};
  u.condition = store::Condition::ItemExists("company_id")
                    .Less("escalation_level", level)
                    .NotExists("acknowledged_at")
                    .Equals("status", status);
  u.Set("status", status == "new" ? "escalated" : status)
      .Set("escalated", true)
      .Set("escalation_level", level)
      .Set("escalated_at", now)
      .Set("escalation_reason", reason)
      .Set("escalated_by", "system")
      .Set("updated_at", now)
      .Add("version", 1)
      .Append("escalation_history",
              json::array({{{"level", level}, {"target", target}, {"user_ids", users}, {"reason", d.reason}, {"at", now}}}));
  auto r = ctx_->store->UpdateItem(u);
  if (r.status().IsConditionFailed()) return false;  // fired elsewhere, or acknowledged meanwhile
  if (!r.ok()) {
    spdlog::warn("escalation: cannot escalate incident {} of company {} to level {}: {}", id, cid, level,
                 r.status().message());
    return false;
  }
  if (users.empty()) {
    spdlog::warn("escalation: incident {} of company {} reached level {} ({}) but that target has no users; "
                 "add an on-call schedule or users with that role",
                 id, cid, level, target);
  } else {
    spdlog::info("escalation: incident {} of company {} escalated to level {} ({}, {} users): {}", id, cid, level,
                 target, users.size(), d.reason);
  }
  NotificationRequest n;
  n.company_id = cid;
  n.user_ids = users;
  n.type = "escalation";
  n.incident_id = id;
  n.priority = level >= 2 ? "critical" : "high";
  n.email = true;
  n.title = "Escalated (level " + std::to_string(level) + "): " + inc.value("title", "incident");
  n.message = "Incident " + inc.value("title", id) + " was escalated: " + d.reason + ". Please acknowledge it.";
  n.data = {{"incident_id", id}, {"level", level}, {"target", target}, {"reason", d.reason}};
  if (!users.empty()) ctx_->notifier->Notify(n);
  json view = incidents_->View(*r);
  ctx_->events->Publish(Event{"incident_escalated", cid, view, ""});
  AuditEntry a;
  a.company_id = cid;
  a.user_id = "system";
  a.user_email = "system";
  a.user_role = "system";
  a.action = "incident.auto_escalated";
  a.resource_type = "incident";
  a.resource_id = id;
  a.details = {{"level", level}, {"target", target}, {"reason", d.reason}, {"notified_user_ids", users}};
  if (audit_) audit_->Record(a);
  return true;
}

}  // namespace aw::services
