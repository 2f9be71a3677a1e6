#include "core/intake/datadog.h"

#include <cctype>
#include <map>
#include <string_view>

#include "base/time_format.h"
#include "core/intake/common.h"

namespace aw::core::intake {

using nlohmann::json;
using detail::Find;
using detail::OptionalString;
using detail::Refuse;
using detail::RequiredString;

namespace {

const std::map<std::string, std::string>& SeverityTable() {
  static const std::map<std::string, std::string> kTable = {
      {"p1", "critical"}, {"p2", "high"},    {"p3", "medium"}, {"p4", "low"},     {"p5", "low"},
      {"error", "high"},  {"warning", "medium"}, {"info", "low"}, {"success", "low"},
  };
  return kTable;
}

std::string_view Trim(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  return s;
}

// "[Triggered on {host:a}] CPU high" -> "CPU high": the status tag changes
// with every transition, the rest names the monitor.
std::string StripStatusTag(std::string_view title) {
  title = Trim(title);
  while (!title.empty() && title.front() == '[') {
    size_t end = title.find(']');
    if (end == std::string_view::npos) break;
    title = Trim(title.substr(end + 1));
  }
  return std::string(title);
}

// Datadog wraps markdown messages in "%%%" lines.
std::string StripMarkers(std::string_view msg) {
  msg = Trim(msg);
  if (msg.substr(0, 3) == "%%%") msg = Trim(msg.substr(3));
  if (msg.size() >= 3 && msg.substr(msg.size() - 3) == "%%%") msg = Trim(msg.substr(0, msg.size() - 3));
  return std::string(msg);
}

// "env:prod, host:web-1,role" -> {env: prod, host: web-1, role: ""}.
std::map<std::string, std::string> ParseTags(std::string_view tags) {
  std::map<std::string, std::string> out;
  while (!tags.empty() && out.size() < kMaxLabels) {
    size_t comma = tags.find(',');
    std::string_view tag = Trim(tags.substr(0, comma));
    tags = comma == std::string_view::npos ? std::string_view() : tags.substr(comma + 1);
    if (tag.empty()) continue;
    size_t colon = tag.find(':');
    std::string key(Trim(tag.substr(0, colon)));
    if (key.empty() || key.size() > kMaxLabelBytes) continue;
    out[key] = colon == std::string_view::npos ? "" : std::string(Trim(tag.substr(colon + 1)));
  }
  return out;
}

}  // namespace

AdapterResult AdaptDatadog(const json& payload, const IntakeMapping& m) {
  return detail::Guard([&](AdapterResult& r) {
    detail::RequireObject(payload, "");
    ToolAlert t;
    t.tool_source = "Datadog";
    const std::string alert_id = RequiredString(payload, "alert_id", "", 128);
    const std::string transition = RequiredString(payload, "alert_transition", "", 64);
    const std::string title = RequiredString(payload, "alert_title", "", kMaxMessageBytes);
    auto cycle = OptionalString(payload, "alert_cycle_key", "", 128);
    auto event_id = OptionalString(payload, "event_id", "", 128);
    auto priority = OptionalString(payload, "alert_priority", "", 32);
    auto type = OptionalString(payload, "alert_type", "", 32);
    auto hostname = OptionalString(payload, "hostname", "", kMaxAssetBytes);
    auto event_title = OptionalString(payload, "event_title", "", kMaxMessageBytes);
    auto event_msg = OptionalString(payload, "event_msg", "", kMaxMessageBytes);
    auto tags = OptionalString(payload, "tags", "", kMaxMessageBytes);
    if (tags) t.labels = ParseTags(*tags);
    t.signature = Truncate(StripStatusTag(title), kMaxSignatureBytes);
    if (t.signature.empty()) Refuse("alert_title", "alert_title must name the monitor");
    t.asset_name = hostname && !Trim(*hostname).empty() ? std::string(Trim(*hostname)) : AssetFromLabels(t.labels, m);
    if (t.asset_name.empty()) t.asset_name = "datadog-monitor-" + alert_id;
    if (t.asset_name.size() > kMaxAssetBytes) {
      Refuse("tags", "tags: the asset tag's value must be at most " + std::to_string(kMaxAssetBytes) + " bytes long");
    }
    if (event_msg && !StripMarkers(*event_msg).empty()) {
      t.message = StripMarkers(*event_msg);
    } else if (event_title && !Trim(*event_title).empty()) {
      t.message = std::string(Trim(*event_title));
    } else {
      t.message = title;
    }
    if (priority && !Trim(*priority).empty()) {
      t.severity = MapSeverity(*priority, m, SeverityTable());
    } else {
      t.severity = MapSeverity(type.value_or(""), m, SeverityTable());
    }
    std::string lower = transition;
    for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    t.resolved = lower == "recovered";
    if (const json* d = Find(payload, "date"); d != nullptr) {
      int64_t v = -1;
      if (d->is_number_integer()) {
        v = d->get<int64_t>();
      } else if (d->is_string() && !d->get_ref<const std::string&>().empty()) {
        const auto& s = d->get_ref<const std::string&>();
        if (s.size() > 18 || s.find_first_not_of("0123456789") != std::string::npos) {
          Refuse("date", "date must be Unix time in seconds or milliseconds ($DATE_POSIX or $DATE)");
        }
        v = std::stoll(s);
      } else if (!d->is_string()) {
        Refuse("date", "date must be Unix time in seconds or milliseconds ($DATE_POSIX or $DATE)");
      }
      if (v > 100'000'000'000LL) v /= 1000;  // milliseconds ($DATE)
      if (v >= 0 && v < 253'402'300'800LL) t.timestamp_micros = v * 1'000'000;
    }
    const std::string occurrence = cycle && !cycle->empty() ? *cycle : event_id.value_or("");
    if (!occurrence.empty()) {
      t.repeat_key = Truncate("datadog:" + alert_id + ":" + occurrence + (t.resolved ? "#recovered" : ""),
                              kMaxRepeatKeyBytes);
    }
    t.metadata["alert_id"] = alert_id;
    t.metadata["alert_transition"] = transition;
    for (const char* key : {"alert_scope", "alert_metric", "link", "org_id", "alert_type", "alert_priority"}) {
      if (auto v = OptionalString(payload, key, "", 4096); v && !v->empty()) t.metadata[key] = *v;
    }
    if (event_id && !event_id->empty()) t.metadata["event_id"] = *event_id;
    if (cycle && !cycle->empty()) t.metadata["alert_cycle_key"] = *cycle;
    r.alerts.push_back(std::move(t));
  });
}

}  // namespace aw::core::intake
