// SLA policy, deadlines, status and the monitor step (the report is in sla_report.cc).

#include "services/response/sla_service.h"

#include <algorithm>
#include <set>

#include <spdlog/spdlog.h>

#include "base/errors.h"
#include "base/json_fields.h"
#include "base/time_format.h"
#include "core/incident_status.h"
#include "services/tz_database.h"
#include "store/tables.h"

namespace aw::services {

namespace t = store::tables;
using nlohmann::json;

namespace {

constexpr const char* kSeverities[] = {"critical", "high", "medium", "low"};
constexpr int kMaxMinutes = 525600;  // a year

core::Severity Sev(const std::string& s) { return core::ParseSeverity(s).value_or(core::Severity::kLow); }

std::optional<int64_t> Seconds(const json& item, const char* field) {
  auto it = item.find(field);
  if (it == item.end() || !it->is_string()) return std::nullopt;
  auto us = ParseIso8601(it->get<std::string>());
  if (!us) return std::nullopt;
  return *us / 1'000'000;
}

json MinutesObject(const core::SlaPolicy& p, bool response) {
  json o = json::object();
  for (const char* s : kSeverities) {
    const auto& t = p.For(Sev(s));
    o[s] = response ? t.response_minutes : t.resolution_minutes;
  }
  return o;
}

// The stored "sla" item over the defaults (ConfigService::PolicyOf). Values
// of the wrong type are ignored (defaults stay), so an item written by another
// tool never breaks the SLA clock. The original service's names
// (response_time_minutes, resolution_time_minutes, business_hours_only; the
// shape `alertwhisperer import-mongo` keeps) are read too.
void ApplySlaConfig(const json& c, core::SlaPolicy* p) {
  auto group = [&c](const char* name, const char* legacy) -> const json& {
    static const json empty = json::object();
    if (c.contains(name) && c[name].is_object()) return c[name];
    if (c.contains(legacy) && c[legacy].is_object()) return c[legacy];
    return empty;
  };
  ReadBool(c, "enabled", &p->enabled);
  const json& resp = group("response_minutes", "response_time_minutes");
  const json& resol = group("resolution_minutes", "resolution_time_minutes");
  for (const char* s : kSeverities) {
    auto& t = p->targets[static_cast<size_t>(Sev(s))];
    ReadInt(resp, s, &t.response_minutes, 1, kMaxMinutes);
    ReadInt(resol, s, &t.resolution_minutes, 1, kMaxMinutes);
  }
  // warning_minutes (an absolute threshold, before warning_percent) is no
  // longer read: 30 minutes put a 30-minute target in warning at once.
  ReadInt(c, "warning_percent", &p->warning_percent, core::kMinWarningPercent, core::kMaxWarningPercent);
  ReadBool(c, "business_hours_only", &p->business_hours);
  if (c.contains("business_hours") && c["business_hours"].is_object()) {
    const json& b = c["business_hours"];
    ReadBool(b, "enabled", &p->business_hours);
    if (b.contains("timezone") && b["timezone"].is_string()) p->timezone = b["timezone"].get<std::string>();
    if (b.contains("start") && b["start"].is_string()) {
      p->start_minute = core::ParseHhMm(b["start"].get<std::string>()).value_or(p->start_minute);
    }
    if (b.contains("end") && b["end"].is_string()) {
      p->end_minute = core::ParseHhMm(b["end"].get<std::string>(), true).value_or(p->end_minute);
    }
    if (b.contains("days") && b["days"].is_array() && !b["days"].empty()) {
      std::array<bool, 7> days{};
      for (const auto& d : b["days"]) {
        if (d.is_number_integer() && d.get<int64_t>() >= 0 && d.get<int64_t>() <= 6) days[d.get<size_t>()] = true;
      }
      if (std::any_of(days.begin(), days.end(), [](bool x) { return x; })) p->days = days;
    }
  }
  if (p->end_minute <= p->start_minute) p->business_hours = false;
}

}  // namespace

core::SlaPolicy SlaService::PolicyFor(const std::string& company_id) {
  return configs_->PolicyOf(company_id, "sla", core::DefaultSlaPolicy(), ApplySlaConfig);
}

json SlaService::ConfigView(const std::string& company_id) {
  core::SlaPolicy p = PolicyFor(company_id);
  json days = json::array();
  for (int d = 0; d < 7; ++d) {
    if (p.days[static_cast<size_t>(d)]) days.push_back(d);
  }
  auto stored = configs_->Get(company_id, "sla");
  return {{"company_id", company_id},
          {"enabled", p.enabled},
          {"response_minutes", MinutesObject(p, true)},
          {"resolution_minutes", MinutesObject(p, false)},
          {"warning_percent", p.warning_percent},
          {"business_hours",
           {{"enabled", p.business_hours},
            {"timezone", p.timezone},
            {"start", core::FormatHhMm(p.start_minute)},
            {"end", core::FormatHhMm(p.end_minute)},
            {"days", days}}},
          {"is_default", !stored.has_value()},
          {"updated_at", stored ? stored->value("updated_at", json()) : json()}};
}

json SlaService::PutConfig(const std::string& company_id, const json& body) {
  // The read-only fields of the view are accepted (and ignored) so a GET's
  // answer can be sent back as it is.
  RejectUnknownFields(body, {"enabled", "response_minutes", "resolution_minutes", "warning_percent", "warning_minutes",
                             "business_hours", "company_id", "is_default", "updated_at"});
  if (body.contains("warning_minutes")) {
    ThrowInvalidField("warning_minutes",
                      "replaced by warning_percent (the warning starts when this share of each target has elapsed)");
  }
  json cur = ConfigView(company_id);
  auto int_in = [](const json& v, const std::string& field, int lo, int hi) {
    if (!v.is_number_integer()) ThrowInvalidField(field, "must be an integer");
    int64_t x = v.get<int64_t>();
    if (x < lo || x > hi) ThrowInvalidField(field, "must be between " + std::to_string(lo) + " and " + std::to_string(hi));
    return static_cast<int>(x);
  };
  if (body.contains("enabled") && !body["enabled"].is_null()) {
    if (!body["enabled"].is_boolean()) ThrowInvalidField("enabled", "must be true or false");
    cur["enabled"] = body["enabled"];
  }
  for (const char* group : {"response_minutes", "resolution_minutes"}) {
    if (!body.contains(group) || body[group].is_null()) continue;
    if (!body[group].is_object()) ThrowInvalidField(group, "must be an object {critical, high, medium, low}");
    for (auto it = body[group].begin(); it != body[group].end(); ++it) {
      const std::string field = std::string(group) + "." + it.key();
      if (!core::ParseSeverity(it.key())) ThrowInvalidField(field, "unknown severity (critical, high, medium, low)");
      cur[group][it.key()] = int_in(it.value(), field, 1, kMaxMinutes);
    }
  }
  for (const char* s : kSeverities) {
    if (cur["resolution_minutes"][s].get<int>() < cur["response_minutes"][s].get<int>()) {
      ThrowInvalidField(std::string("resolution_minutes.") + s, std::string("must not be shorter than response_minutes.") + s);
    }
  }
  if (body.contains("warning_percent") && !body["warning_percent"].is_null()) {
    cur["warning_percent"] =
        int_in(body["warning_percent"], "warning_percent", core::kMinWarningPercent, core::kMaxWarningPercent);
  }
  if (body.contains("business_hours") && !body["business_hours"].is_null()) {
    const json& b = body["business_hours"];
    if (!b.is_object()) ThrowInvalidField("business_hours", "must be an object {enabled, timezone, start, end, days}");
    RejectUnknownFields(b, {"enabled", "timezone", "start", "end", "days"}, "business_hours.");
    json& bh = cur["business_hours"];
    if (b.contains("enabled") && !b["enabled"].is_null()) {
      if (!b["enabled"].is_boolean()) ThrowInvalidField("business_hours.enabled", "must be true or false");
      bh["enabled"] = b["enabled"];
    }
    if (b.contains("timezone") && !b["timezone"].is_null()) {
      if (!b["timezone"].is_string() || FindTimeZone(b["timezone"].get<std::string>()) == nullptr) {
        ThrowInvalidField("business_hours.timezone", "unknown time zone (use an IANA name such as America/New_York)");
      }
      bh["timezone"] = b["timezone"];
    }
    for (const char* f : {"start", "end"}) {
      if (!b.contains(f) || b[f].is_null()) continue;
      if (!b[f].is_string() || !core::ParseHhMm(b[f].get<std::string>(), std::string(f) == "end")) {
        ThrowInvalidField(std::string("business_hours.") + f, "must be HH:MM");
      }
      bh[f] = b[f];
    }
    if (*core::ParseHhMm(bh["end"].get<std::string>(), true) <= *core::ParseHhMm(bh["start"].get<std::string>())) {
      ThrowInvalidField("business_hours.end", "must be after business_hours.start");
    }
    if (b.contains("days") && !b["days"].is_null()) {
      if (!b["days"].is_array() || b["days"].empty()) {
        ThrowInvalidField("business_hours.days", "must be a non-empty list of days (0 = Monday .. 6 = Sunday)");
      }
      std::set<int> days;
      for (const auto& d : b["days"]) days.insert(int_in(d, "business_hours.days", 0, 6));
      bh["days"] = std::vector<int>(days.begin(), days.end());
    }
  }
  cur.erase("company_id");
  cur.erase("is_default");
  cur.erase("updated_at");
  configs_->Put(company_id, "sla", cur);
  return ConfigView(company_id);
}

void SlaService::Stamp(const std::string& company_id, json& incident) {
  try {
    core::SlaPolicy p = PolicyFor(company_id);
    if (!p.enabled) {
      incident["sla"] = {{"enabled", false}};
      return;
    }
    auto created = Seconds(incident, "created_at");
    if (!created) return;
    const core::TimeZone* tz = p.business_hours ? FindTimeZone(p.timezone) : nullptr;
    if (p.business_hours && tz == nullptr) {
      spdlog::warn("SLA of company {}: time zone {} is not available; deadlines use calendar time", company_id, p.timezone);
      p.business_hours = false;
    }
    core::Severity sev = Sev(incident.value("severity", "low"));
    core::SlaDeadlines d = core::ComputeDeadlines(p, tz, sev, *created);
    incident["sla"] = {{"enabled", true},
                       {"response_due", FormatIso8601Seconds(d.response_due_s)},
                       {"resolution_due", FormatIso8601Seconds(d.resolution_due_s)},
                       {"response_minutes", p.For(sev).response_minutes},
                       {"resolution_minutes", p.For(sev).resolution_minutes},
                       {"warning_percent", p.warning_percent},
                       {"response_warning_starts", FormatIso8601Seconds(d.response_warning_s)},
                       {"resolution_warning_starts", FormatIso8601Seconds(d.resolution_warning_s)},
                       {"business_hours", p.business_hours},
                       {"timezone", p.business_hours ? p.timezone : "UTC"}};
  } catch (const std::exception& e) {
    spdlog::warn("SLA deadlines for a new incident of company {} were not stamped: {}", company_id, e.what());
  }
}

bool SlaService::ClockOf(const json& inc, core::SlaClock* c) {
  json sla = inc.value("sla", json::object());
  if (!sla.is_object()) sla = json::object();
  if (!sla.value("enabled", true)) return false;
  auto resp = Seconds(sla, "response_due");
  auto resol = Seconds(sla, "resolution_due");
  if (!resp || !resol) {
    // Not stamped (created before SLAs existed): today's policy.
    const std::string cid = inc.value("company_id", "");
    json copy = {{"created_at", inc.value("created_at", "")}, {"severity", inc.value("severity", "low")}};
    Stamp(cid, copy);
    if (!copy.contains("sla") || !copy["sla"].value("enabled", false)) return false;
    sla = copy["sla"];
    resp = Seconds(sla, "response_due");
    resol = Seconds(sla, "resolution_due");
    if (!resp || !resol) return false;
  }
  c->response_due_s = *resp;
  c->resolution_due_s = *resol;
  auto resp_warn = Seconds(sla, "response_warning_starts");
  auto resol_warn = Seconds(sla, "resolution_warning_starts");
  if (resp_warn && resol_warn) {
    c->response_warning_s = *resp_warn;
    c->resolution_warning_s = *resol_warn;
  } else {
    // Stamped before warning instants existed: the default share of the
    // stamped targets (of the default targets when those are missing too).
    const core::SlaPolicy def = core::DefaultSlaPolicy();
    const core::SlaTargets& dt = def.For(Sev(inc.value("severity", "low")));
    auto minutes = [&sla](const char* k, int fallback) {
      return sla.contains(k) && sla[k].is_number_integer() ? sla[k].get<int>() : fallback;
    };
    c->response_warning_s =
        core::WarningFromDue(*resp, minutes("response_minutes", dt.response_minutes), def.warning_percent);
    c->resolution_warning_s =
        core::WarningFromDue(*resol, minutes("resolution_minutes", dt.resolution_minutes), def.warning_percent);
  }
  if (noise_ != nullptr) {
    // Maintenance pauses the clock: time inside a window of the incident's
    // asset (or of the whole company) does not count (docs/noise-control.md).
    if (auto created = Seconds(inc, "created_at")) {
      const std::string cid = inc.value("company_id", "");
      const std::string asset = inc.value("asset_name", "");
      c->response_due_s = noise_->ExtendDeadline(cid, asset, *created, c->response_due_s);
      c->resolution_due_s = noise_->ExtendDeadline(cid, asset, *created, c->resolution_due_s);
      // The warnings are instants on the same paused clock.
      c->response_warning_s = noise_->ExtendDeadline(cid, asset, *created, c->response_warning_s);
      c->resolution_warning_s = noise_->ExtendDeadline(cid, asset, *created, c->resolution_warning_s);
    }
  }
  auto ack = Seconds(inc, "acknowledged_at");
  auto asg = Seconds(inc, "assigned_at");
  if (ack && asg) c->responded_s = std::min(*ack, *asg);
  else if (ack) c->responded_s = ack;
  else if (asg) c->responded_s = asg;
  auto resolved = Seconds(inc, "resolved_at");
  if (!resolved && inc.value("status", "") == "closed") resolved = Seconds(inc, "closed_at");
  c->resolved_s = resolved;
  return true;
}

json SlaService::StatusOf(const json& inc) {
  json out = {{"incident_id", inc.value("id", "")},
              {"company_id", inc.value("company_id", "")},
              {"severity", inc.value("severity", "low")},
              {"incident_status", inc.value("status", "")},
              {"checked_at", ctx_->Now()}};
  core::SlaClock c;
  if (!ClockOf(inc, &c)) {
    out["sla_enabled"] = false;
    out["status"] = "on_track";
    return out;
  }
  const int64_t now = ctx_->clock->NowSeconds();
  core::SlaEvaluation e = core::EvaluateSla(c, now);
  auto minutes = [](int64_t s) { return s >= 0 ? s / 60 : -((-s + 59) / 60); };
  out["sla_enabled"] = true;
  out["status"] = core::SlaStateName(e.state);
  out["responded"] = e.responded;
  out["resolved"] = e.resolved;
  out["clock_stopped"] = e.resolved;
  out["response"] = {{"due", FormatIso8601Seconds(c.response_due_s)},
                     {"minutes_left", minutes(e.response_seconds_left)},
                     {"responded_at", c.responded_s ? json(FormatIso8601Seconds(*c.responded_s)) : json()},
                     {"warning_starts", FormatIso8601Seconds(c.response_warning_s)},
                     {"breached", e.response_breached},
                     {"warning", e.response_warning}};
  out["resolution"] = {{"due", FormatIso8601Seconds(c.resolution_due_s)},
                       {"minutes_left", minutes(e.resolution_seconds_left)},
                       {"resolved_at", c.resolved_s ? json(FormatIso8601Seconds(*c.resolved_s)) : json()},
                       {"warning_starts", FormatIso8601Seconds(c.resolution_warning_s)},
                       {"breached", e.resolution_breached},
                       {"warning", e.resolution_warning}};
  out["minutes_left"] = e.responded ? out["resolution"]["minutes_left"] : out["response"]["minutes_left"];
  return out;
}

int SlaService::Check(const json& inc) {
  if (!core::IsOpenStatus(inc.value("status", ""))) return 0;
  core::SlaClock c;
  if (!ClockOf(inc, &c)) return 0;
  core::SlaEvaluation e = core::EvaluateSla(c, ctx_->clock->NowSeconds());
  int sent = 0;
  if (!e.responded) {
    if (e.response_breached) {
      sent += Fire(inc, "sla_response_breach_at", "response", "sla_breach", c.response_due_s, e.response_seconds_left);
    } else if (e.response_warning) {
      sent += Fire(inc, "sla_response_warning_at", "response", "sla_warning", c.response_due_s, e.response_seconds_left);
    }
  }
  if (e.resolution_breached) {
    sent += Fire(inc, "sla_resolution_breach_at", "resolution", "sla_breach", c.resolution_due_s, e.resolution_seconds_left);
  } else if (e.resolution_warning) {
    sent += Fire(inc, "sla_resolution_warning_at", "resolution", "sla_warning", c.resolution_due_s, e.resolution_seconds_left);
  }
  return sent;
}

bool SlaService::Fire(const json& inc, const char* mark, const char* kind, const char* event_type, int64_t due_s,
                      int64_t seconds_left) {
  if (inc.contains(mark)) return false;
  const std::string cid = inc.value("company_id", "");
  const std::string id = inc.value("id", "");
  // Claim the notice: the first writer of the mark sends it.
  store::UpdateRequest u;
  u.table = t::kIncidents;
  u.key = {cid, id};
  u.condition = store::Condition::ItemExists("company_id").NotExists(mark);
  u.Set(mark, ctx_->Now());
  auto r = ctx_->store->UpdateItem(u);
  if (r.status().IsConditionFailed()) return false;
  if (!r.ok()) {
    spdlog::warn("SLA monitor: cannot mark incident {} of company {}: {}", id, cid, r.status().message());
    return false;
  }
  const bool breach = std::string(event_type) == "sla_breach";
  const std::string title = inc.value("title", "incident");
  const std::string due = FormatIso8601Seconds(due_s);
  NotificationRequest n;
  n.company_id = cid;
  n.type = event_type;
  n.incident_id = id;
  n.priority = breach ? "critical" : "high";
  n.email = breach;
  n.title = std::string(breach ? "SLA breached: " : "SLA warning: ") + kind + " for " + title;
  n.message = breach ? std::string("The ") + kind + " deadline " + due + " has passed."
                     : std::string("The ") + kind + " deadline is " + due + " (" + std::to_string(seconds_left / 60) +
                           " minutes left).";
  const std::string assignee = inc.value("assigned_to", json()).is_string() ? inc["assigned_to"].get<std::string>() : "";
  if (!assignee.empty()) {
    n.user_ids.push_back(assignee);
  } else if (auto on = oncall_->Current(cid, ctx_->clock->NowSeconds()); on.found) {
    n.user_ids.push_back(on.user_id);
  } else {
    n.user_ids = oncall_->UserIdsWithRole(cid, "technician");
  }
  if (breach) {
    for (auto& a : oncall_->UserIdsWithRole(cid, "company_admin")) n.user_ids.push_back(std::move(a));
  }
  json data = {{"incident_id", id}, {"kind", kind}, {"due", due}, {"minutes_left", seconds_left / 60},
               {"severity", inc.value("severity", "low")}, {"title", title}};
  n.data = data;
  if (n.user_ids.empty()) {
    spdlog::warn("SLA monitor: {} for incident {} of company {} has nobody to notify: no assignee, nobody on "
                 "call, no technicians",
                 event_type, id, cid);
  } else {
    ctx_->notifier->Notify(n);
  }
  ctx_->events->Publish(Event{event_type, cid, data, ""});
  spdlog::info("SLA monitor: {} ({}) for incident {} of company {}, due {}", event_type, kind, id, cid, due);
  return true;
}

}  // namespace aw::services
