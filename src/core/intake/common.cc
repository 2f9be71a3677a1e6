#include "core/intake/common.h"

#include <cctype>
#include <cstdio>

#include "base/time_format.h"
#include "core/severity.h"

namespace aw::core::intake {

using nlohmann::json;

namespace detail {

void Refuse(std::string field, std::string message) {
  throw Refusal(AdapterError{std::move(field), std::move(message)});
}

std::string Path(std::string_view parent, std::string_view key) {
  if (parent.empty()) return std::string(key);
  return std::string(parent) + "." + std::string(key);
}

std::string Index(std::string_view parent, size_t i) {
  return std::string(parent) + "[" + std::to_string(i) + "]";
}

const json* Find(const json& obj, std::string_view key) {
  if (!obj.is_object()) return nullptr;
  auto it = obj.find(key);
  if (it == obj.end() || it->is_null()) return nullptr;
  return &*it;
}

namespace {

const std::string& CheckString(const json& v, const std::string& path, size_t max_bytes) {
  if (!v.is_string()) Refuse(path, path + " must be a string");
  const auto& s = v.get_ref<const std::string&>();
  if (s.size() > max_bytes) {
    Refuse(path, path + " must be at most " + std::to_string(max_bytes) + " bytes long");
  }
  return s;
}

}  // namespace

std::string RequiredString(const json& obj, std::string_view key, std::string_view parent, size_t max_bytes) {
  const std::string path = Path(parent, key);
  const json* v = Find(obj, key);
  if (v == nullptr) Refuse(path, path + " is required");
  const std::string& s = CheckString(*v, path, max_bytes);
  if (s.empty()) Refuse(path, path + " must not be empty");
  return s;
}

std::optional<std::string> OptionalString(const json& obj, std::string_view key, std::string_view parent,
                                          size_t max_bytes) {
  const json* v = Find(obj, key);
  if (v == nullptr) return std::nullopt;
  return CheckString(*v, Path(parent, key), max_bytes);
}

std::map<std::string, std::string> StringMap(const json& obj, std::string_view key, std::string_view parent) {
  const std::string path = Path(parent, key);
  std::map<std::string, std::string> out;
  const json* v = Find(obj, key);
  if (v == nullptr) return out;
  if (!v->is_object()) Refuse(path, path + " must be an object of strings");
  if (v->size() > kMaxLabels) Refuse(path, path + " must hold at most " + std::to_string(kMaxLabels) + " entries");
  for (auto it = v->begin(); it != v->end(); ++it) {
    const std::string item = path + "." + it.key();
    if (it.key().empty() || it.key().size() > kMaxLabelBytes) {
      Refuse(path, path + " has a name that is empty or longer than " + std::to_string(kMaxLabelBytes) + " bytes");
    }
    if (it->is_null()) continue;
    out[it.key()] = CheckString(*it, item, kMaxMessageBytes);
  }
  return out;
}

std::optional<int64_t> OptionalTime(const json& obj, std::string_view key, std::string_view parent) {
  const std::string path = Path(parent, key);
  const json* v = Find(obj, key);
  if (v == nullptr) return std::nullopt;
  const std::string& s = CheckString(*v, path, 64);
  if (s.empty() || s.rfind("0001-01-01T00:00:00", 0) == 0) return std::nullopt;
  auto t = ParseIso8601(s);
  if (!t) Refuse(path, path + " must be an RFC 3339 date-time, e.g. 2026-01-31T12:00:00Z");
  return t;
}

void RequireObject(const json& v, std::string_view path) {
  if (!v.is_object()) Refuse(std::string(path.empty() ? "body" : path), std::string(path.empty() ? "the body" : path) + " must be a JSON object");
}

AdapterResult Guard(const std::function<void(AdapterResult&)>& body) {
  AdapterResult r;
  try {
    body(r);
  } catch (const Refusal& e) {
    r.alerts.clear();
    r.error = e.error;
  }
  return r;
}

}  // namespace detail

namespace {

std::string LowerTrim(std::string_view s) {
  size_t b = 0, e = s.size();
  while (b < e && std::isspace(static_cast<unsigned char>(s[b]))) ++b;
  while (e > b && std::isspace(static_cast<unsigned char>(s[e - 1]))) --e;
  std::string out(s.substr(b, e - b));
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

}  // namespace

std::string MapSeverity(std::string_view raw, const IntakeMapping& m, const std::map<std::string, std::string>& builtin) {
  const std::string key = LowerTrim(raw);
  if (!key.empty()) {
    if (auto it = m.severity_map.find(key); it != m.severity_map.end()) return it->second;
    if (auto it = builtin.find(key); it != builtin.end()) return it->second;
    if (ParseSeverity(key)) return key;
  }
  return m.default_severity;
}

std::string AssetFromLabels(const std::map<std::string, std::string>& labels, const IntakeMapping& m) {
  for (const auto& name : m.asset_labels) {
    auto it = labels.find(name);
    if (it != labels.end() && !it->second.empty()) return it->second;
  }
  return "";
}

std::string Truncate(std::string_view s, size_t max_bytes) {
  if (s.size() <= max_bytes) return std::string(s);
  size_t n = max_bytes;
  // Back off continuation bytes (10xxxxxx) so no character is cut.
  while (n > 0 && (static_cast<unsigned char>(s[n]) & 0xC0) == 0x80) --n;
  return std::string(s.substr(0, n));
}

std::string LabelFingerprint(const std::map<std::string, std::string>& labels) {
  uint64_t h = 14695981039346656037ull;
  auto mix = [&h](std::string_view s) {
    for (unsigned char c : s) {
      h ^= c;
      h *= 1099511628211ull;
    }
    h ^= 0xFF;  // separator no label text can hold (0xFF is never valid UTF-8)
    h *= 1099511628211ull;
  };
  for (const auto& [k, v] : labels) {
    mix(k);
    mix(v);
  }
  char buf[17];
  std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(h));
  return buf;
}

}  // namespace aw::core::intake
