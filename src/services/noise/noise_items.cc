#include "services/noise/noise_items.h"

#include "base/errors.h"
#include "base/time_format.h"
#include "core/business_time.h"
#include "services/tz_database.h"

namespace aw::services::noise {

using nlohmann::json;

void Refuse(const core::FieldError& e) { ThrowInvalidField(e.field, e.message); }

std::optional<int64_t> SecondsAt(const json& o, const char* f) {
  auto it = o.find(f);
  if (it == o.end() || !it->is_string()) return std::nullopt;
  auto us = ParseIso8601(it->get<std::string>());
  if (!us) return std::nullopt;
  return *us / 1'000'000;
}

std::optional<core::FieldError> SilenceFromItem(const json& item, core::Silence* s) {
  if (auto e = core::ParseMatchers(item.value("matchers", json()), "matchers", true, &s->matchers)) return e;
  auto starts = SecondsAt(item, "starts_at");
  auto ends = SecondsAt(item, "ends_at");
  if (!starts)
    return core::FieldError{"starts_at", "must be an ISO-8601 date-time, e.g. 2026-01-31T12:00:00Z"};
  if (!ends) return core::FieldError{"ends_at", "must be an ISO-8601 date-time, e.g. 2026-01-31T14:00:00Z"};
  if (*ends <= *starts) return core::FieldError{"ends_at", "must be after starts_at"};
  s->starts_s = *starts;
  s->ends_s = *ends;
  s->id = item.value("id", "");
  return std::nullopt;
}

std::optional<core::FieldError> WindowFromItem(const json& item, core::MaintenanceWindow* w) {
  const json type = item.value("type", json("one_off"));
  if (!type.is_string() || (type != "one_off" && type != "weekly")) {
    return core::FieldError{"type", "must be one_off or weekly"};
  }
  w->id = item.value("id", "");
  w->weekly = type == "weekly";
  if (!w->weekly) {
    auto starts = SecondsAt(item, "starts_at");
    auto ends = SecondsAt(item, "ends_at");
    if (!starts)
      return core::FieldError{"starts_at", "must be an ISO-8601 date-time, e.g. 2026-01-31T22:00:00Z"};
    if (!ends) return core::FieldError{"ends_at", "must be an ISO-8601 date-time, e.g. 2026-02-01T02:00:00Z"};
    if (*ends <= *starts) return core::FieldError{"ends_at", "must be after starts_at"};
    if (*ends - *starts > kMaxSpanSeconds)
      return core::FieldError{"ends_at", "must be at most ten years after starts_at"};
    w->start_s = *starts;
    w->end_s = *ends;
  } else {
    const json days = item.value("days", json());
    if (!days.is_array() || days.empty() || days.size() > 7) {
      return core::FieldError{"days", "must be a non-empty list of days (0 = Monday .. 6 = Sunday)"};
    }
    w->days = {};
    for (const auto& d : days) {
      if (!d.is_number_integer() || d.get<int64_t>() < 0 || d.get<int64_t>() > 6) {
        return core::FieldError{"days", "must hold days 0 (Monday) to 6 (Sunday)"};
      }
      w->days[d.get<size_t>()] = true;
    }
    for (const char* f : {"start_time", "end_time"}) {
      const json v = item.value(f, json());
      std::optional<int> m;
      if (v.is_string()) m = core::ParseHhMm(v.get<std::string>());
      if (!m) return core::FieldError{f, "must be a local time HH:MM (00:00 to 23:59)"};
      (std::string(f) == "start_time" ? w->start_minute : w->end_minute) = *m;
    }
    const json tz = item.value("timezone", json("UTC"));
    w->tz = tz.is_string() ? FindTimeZone(tz.get<std::string>()) : nullptr;
    if (w->tz == nullptr)
      return core::FieldError{"timezone", "unknown time zone (use an IANA name such as Europe/Berlin)"};
  }
  w->assets.clear();
  const json assets = item.value("assets", json::array());
  if (!assets.is_array() || assets.size() > 1000) {
    return core::FieldError{"assets",
                            "must be a list of at most 1000 asset names (empty: the whole company)"};
  }
  for (const auto& a : assets) {
    if (!a.is_string() || a.get<std::string>().empty() || a.get<std::string>().size() > 256) {
      return core::FieldError{"assets", "must hold asset names (1 to 256 characters)"};
    }
    w->assets.push_back(a.get<std::string>());
  }
  return std::nullopt;
}

std::optional<core::FieldError> RulesFromJson(const json& rules, std::vector<core::InhibitionRule>* out) {
  out->clear();
  if (!rules.is_array())
    return core::FieldError{"rules", "must be a list of {source_matchers, target_matchers, equal}"};
  if (rules.size() > kMaxRules)
    return core::FieldError{"rules", "must hold at most " + std::to_string(kMaxRules) + " rules"};
  for (size_t i = 0; i < rules.size(); ++i) {
    const std::string at = "rules[" + std::to_string(i) + "]";
    const json& r = rules[i];
    if (!r.is_object())
      return core::FieldError{at, "must be an object {source_matchers, target_matchers, equal}"};
    core::InhibitionRule rule;
    if (auto e = core::ParseMatchers(r.value("source_matchers", json()), at + ".source_matchers", true,
                                     &rule.source))
      return e;
    if (auto e = core::ParseMatchers(r.value("target_matchers", json()), at + ".target_matchers", true,
                                     &rule.target))
      return e;
    const json equal = r.value("equal", json::array());
    if (!equal.is_array() || equal.size() > 32)
      return core::FieldError{at + ".equal", "must be a list of at most 32 label names"};
    for (const auto& n : equal) {
      if (!n.is_string() || n.get<std::string>().empty() || n.get<std::string>().size() > 256) {
        return core::FieldError{at + ".equal",
                                "must hold label names (asset, signature, severity, tool, or a label)"};
      }
      rule.equal.push_back(n.get<std::string>());
    }
    out->push_back(std::move(rule));
  }
  return std::nullopt;
}

json RuleToJson(const core::InhibitionRule& r) {
  return {{"source_matchers", core::MatchersToJson(r.source)},
          {"target_matchers", core::MatchersToJson(r.target)},
          {"equal", r.equal}};
}

std::optional<std::string> OptionalText(const json& body, const char* f, size_t max) {
  auto it = body.find(f);
  if (it == body.end() || it->is_null()) return std::nullopt;
  if (!it->is_string() || it->get<std::string>().size() > max) {
    ThrowInvalidField(f, "must be a string of at most " + std::to_string(max) + " characters");
  }
  return it->get<std::string>();
}

json Strip(json item) {
  item.erase("config_type");
  return item;
}
}  // namespace aw::services::noise
