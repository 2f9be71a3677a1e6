#include "app/migrate_extjson.h"

#include <charconv>
#include <cstdint>
#include <cmath>
#include <cstdlib>

#include "base/time_format.h"

namespace aw::app::migrate {

using nlohmann::json;

namespace {

constexpr int64_t kMinMicros = -62'167'219'200'000'000;  // 0000-01-01T00:00:00Z
constexpr int64_t kMaxMicros = 253'402'300'799'999'999;  // 9999-12-31T23:59:59.999999Z

std::optional<std::string> FromMillis(int64_t ms) {
  if (ms < kMinMicros / 1000 || ms > kMaxMicros / 1000) return std::nullopt;
  return FormatIso8601Micros(ms * 1000);
}

// A JSON integer as int64; nullopt for an unsigned one above INT64_MAX
// (get<int64_t> would wrap it to a negative number).
std::optional<int64_t> Int64Of(const json& v) {
  if (v.is_number_unsigned() && v.get<uint64_t>() > static_cast<uint64_t>(INT64_MAX)) return std::nullopt;
  return v.get<int64_t>();
}

std::optional<int64_t> ParseInt64(const std::string& s) {
  int64_t x = 0;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), x);
  if (ec != std::errc() || p != s.data() + s.size() || s.empty()) return std::nullopt;
  return x;
}

Status Bad(const std::string& path, const std::string& what) {
  return Status::InvalidArgument(path + ": " + what);
}

Result<json> Convert(const json& v, const std::string& path) {
  if (v.is_array()) {
    json out = json::array();
    for (size_t i = 0; i < v.size(); ++i) {
      auto c = Convert(v[i], path + "[" + std::to_string(i) + "]");
      if (!c.ok()) return c.status();
      out.push_back(std::move(c).value());
    }
    return out;
  }
  if (!v.is_object()) return v;
  if (v.size() == 1) {
    const auto first = v.begin();
    const std::string k = first.key();
    const json& x = first.value();
    const std::string p = path.empty() ? k : path + "." + k;
    if (k == "$oid" || k == "$uuid" || k == "$symbol" || k == "$code") {
      if (!x.is_string()) return Bad(p, "must be a string");
      return x;
    }
    if (k == "$date") {
      if (x.is_object() && x.size() == 1 && x.contains("$numberLong")) {
        if (!x["$numberLong"].is_string()) return Bad(p, "$numberLong must be a string");
        auto ms = ParseInt64(x["$numberLong"].get<std::string>());
        if (!ms) return Bad(p, "$numberLong is not an integer");
        auto d = FromMillis(*ms);
        if (!d) return Bad(p, "date out of range");
        return json(*d);
      }
      auto d = NormalizeDate(x);
      if (!d) return Bad(p, "is not a date");
      return json(*d);
    }
    if (k == "$numberLong" || k == "$numberInt") {
      if (!x.is_string()) return Bad(p, "must be a string");
      auto n = ParseInt64(x.get<std::string>());
      if (!n) return Bad(p, "is not an integer");
      if (k == "$numberInt" && (*n < INT32_MIN || *n > INT32_MAX)) return Bad(p, "out of range");
      return json(*n);
    }
    if (k == "$numberDouble") {
      if (!x.is_string()) return Bad(p, "must be a string");
      const std::string s = x.get<std::string>();
      if (s == "NaN" || s == "Infinity" || s == "-Infinity") return json(nullptr);
      char* end = nullptr;
      double d = std::strtod(s.c_str(), &end);
      if (s.empty() || end != s.c_str() + s.size() || !std::isfinite(d)) return Bad(p, "is not a number");
      return json(d);
    }
    if (k == "$numberDecimal") {
      if (!x.is_string()) return Bad(p, "must be a string");
      return x;
    }
    if (k == "$binary") {
      if (x.is_object() && x.contains("base64") && x["base64"].is_string()) return x["base64"];
      return Bad(p, "must hold base64");
    }
    if (k == "$timestamp") {
      if (!x.is_object() || !x.contains("t") || !x["t"].is_number_integer()) return Bad(p, "must hold t");
      // Seconds: checked before they become milliseconds (the product could overflow).
      auto t = Int64Of(x["t"]);
      if (!t || *t < kMinMicros / 1'000'000 || *t > kMaxMicros / 1'000'000) return Bad(p, "out of range");
      auto d = FromMillis(*t * 1000);
      if (!d) return Bad(p, "out of range");
      return json(*d);
    }
    if (k == "$minKey" || k == "$maxKey" || k == "$undefined") return json(nullptr);
  }
  json out = json::object();
  for (const auto& [k, x] : v.items()) {
    auto c = Convert(x, path.empty() ? k : path + "." + k);
    if (!c.ok()) return c.status();
    out[k] = std::move(c).value();
  }
  return out;
}

}  // namespace

Result<json> FromExtendedJson(const json& v) { return Convert(v, ""); }

std::optional<std::string> NormalizeDate(const json& v) {
  if (v.is_number_integer()) {
    auto ms = Int64Of(v);
    return ms ? FromMillis(*ms) : std::nullopt;
  }
  if (v.is_number_float()) {
    // Range first: casting a double beyond int64 to int64 is undefined.
    double d = v.get<double>();
    if (!std::isfinite(d) || d < kMinMicros / 1000 || d > kMaxMicros / 1000) return std::nullopt;
    return FromMillis(static_cast<int64_t>(d));
  }
  if (!v.is_string()) return std::nullopt;
  auto us = ParseIso8601(v.get<std::string>());
  if (!us || *us < kMinMicros || *us > kMaxMicros) return std::nullopt;
  return FormatIso8601Micros(*us);
}

}  // namespace aw::app::migrate
