#include "http/json_body.h"

#include <charconv>

#include "base/errors.h"

namespace aw::http {
namespace {

using nlohmann::json;

[[noreturn]] void ThrowInvalidJson(const std::string& detail) {
  Throw(ErrorKind::kBadRequest, "invalid_json", detail);
}

// Rejects nesting deeper than kMaxJsonDepth before the real parse, so a body
// of a million '[' costs one linear scan and no deep structures.
void CheckDepth(std::string_view s) {
  int depth = 0;
  bool in_string = false;
  for (size_t i = 0; i < s.size(); ++i) {
    char c = s[i];
    if (in_string) {
      if (c == '\\') {
        ++i;
      } else if (c == '"') {
        in_string = false;
      }
    } else if (c == '"') {
      in_string = true;
    } else if (c == '[' || c == '{') {
      if (++depth > kMaxJsonDepth) {
        ThrowInvalidJson("Invalid JSON body: nesting deeper than " + std::to_string(kMaxJsonDepth) +
                         " levels at byte " + std::to_string(i + 1));
      }
    } else if (c == ']' || c == '}') {
      --depth;
    }
  }
}

bool IsWordByte(char c) {
  return std::string_view(" \t\r\n{}[],:\"").find(c) == std::string_view::npos;
}

// The whole word of `body` at the 1-based byte `byte` where the parser
// stopped (nlohmann's own "last read" ends at that byte, mid-word: "c" of
// "critical"), at most 40 bytes and never cut inside a UTF-8 character.
std::string NearText(std::string_view body, size_t byte) {
  if (byte == 0 || byte > body.size()) return " at the end of the body";
  size_t pos = byte - 1;
  if (!IsWordByte(body[pos]) && pos > 0 && IsWordByte(body[pos - 1])) --pos;
  if (!IsWordByte(body[pos])) return " near '" + std::string(1, body[pos]) + "'";
  constexpr size_t kMaxSide = 20;
  size_t start = pos, end = pos + 1;
  while (start > 0 && IsWordByte(body[start - 1]) && pos - start < kMaxSide) --start;
  while (end < body.size() && IsWordByte(body[end]) && end - pos < kMaxSide) ++end;
  auto continuation = [&](size_t i) { return (static_cast<unsigned char>(body[i]) & 0xC0) == 0x80; };
  const bool cut_left = start > 0 && IsWordByte(body[start - 1]);
  const bool cut_right = end < body.size() && IsWordByte(body[end]);
  while (start < end && continuation(start)) ++start;
  while (end < body.size() && end > start && continuation(end)) --end;
  return std::string(" near '") + (cut_left ? "..." : "") + std::string(body.substr(start, end - start)) +
         (cut_right ? "..." : "") + "'";
}

// nlohmann's message without its "[json.exception...] parse error at line
// L, column C: " prefix and its "; last read: '...'" fragment.
std::string ParserMessage(std::string_view what) {
  size_t close = what.find("] ");
  if (close != std::string_view::npos) what.remove_prefix(close + 2);
  size_t colon = what.find(": ");
  if (what.starts_with("parse error") && colon != std::string_view::npos) what.remove_prefix(colon + 2);
  std::string out(what);
  size_t last = out.find("; last read: '");
  if (last != std::string::npos) {
    size_t expected = out.find("'; expected", last);
    out.erase(last, expected == std::string::npos ? std::string::npos : expected + 1 - last);
  }
  return out;
}

// Present and not null, or nullptr.
const json* Find(const json& obj, const char* field) {
  if (!obj.is_object()) return nullptr;
  auto it = obj.find(field);
  if (it == obj.end() || it->is_null()) return nullptr;
  return &*it;
}

std::string AllowedList(std::initializer_list<std::string_view> allowed) {
  std::string out;
  for (std::string_view a : allowed) {
    if (!out.empty()) out += ", ";
    out += a;
  }
  return out;
}

std::string CheckString(const json& v, const char* field, size_t max_len) {
  if (!v.is_string()) ThrowInvalidField(field, "must be a string");
  const auto& s = v.get_ref<const std::string&>();
  // The limit is in bytes (what the store and the body limit count), and the
  // sentence says so: a 16 KB limit is fewer characters in Cyrillic or emoji.
  if (s.size() > max_len) {
    ThrowInvalidField(field, "must be at most " + std::to_string(max_len) + " bytes (UTF-8), got " +
                                 std::to_string(s.size()));
  }
  return s;
}

std::string CheckEnum(const json& v, const char* field, std::initializer_list<std::string_view> allowed) {
  if (!v.is_string()) ThrowInvalidField(field, "must be a string, one of: " + AllowedList(allowed));
  const auto& s = v.get_ref<const std::string&>();
  for (std::string_view a : allowed) {
    if (s == a) return s;
  }
  ThrowInvalidField(field, "must be one of: " + AllowedList(allowed));
}

}  // namespace

json ParseJsonObject(const Request& req) {
  json parsed = ParseJsonValue(req);
  if (!parsed.is_object()) ThrowInvalidField("body", "must be a JSON object");
  return parsed;
}

json ParseJsonValue(const Request& req) {
  if (req.body.empty()) ThrowInvalidJson("Invalid JSON body: the request body is empty; expected a JSON object");
  CheckDepth(req.body);
  json parsed;
  try {
    parsed = json::parse(req.body);
  } catch (const json::parse_error& e) {
    // e.byte is the 1-based position of the offending byte.
    ThrowInvalidJson("Invalid JSON body at byte " + std::to_string(e.byte) + ": " + ParserMessage(e.what()) +
                     NearText(req.body, e.byte));
  } catch (const json::exception& e) {
    // Well-formed but not representable, e.g. 1e999999 (number overflow):
    // still the client's malformed body, not a handler's bug.
    std::string what = ParserMessage(e.what());
    if (what.size() > 120) what = what.substr(0, 100) + "...";
    ThrowInvalidJson("Invalid JSON body: " + what);
  }
  return parsed;
}

std::string RequiredString(const json& obj, const char* field, size_t max_len) {
  const json* v = Find(obj, field);
  if (v == nullptr) ThrowInvalidField(field, "field required");
  std::string s = CheckString(*v, field, max_len);
  if (s.empty()) ThrowInvalidField(field, "must not be empty");
  return s;
}

std::optional<std::string> OptionalString(const json& obj, const char* field, size_t max_len) {
  const json* v = Find(obj, field);
  if (v == nullptr) return std::nullopt;
  return CheckString(*v, field, max_len);
}

std::optional<int64_t> OptionalInt(const json& obj, const char* field, int64_t min, int64_t max) {
  const json* v = Find(obj, field);
  if (v == nullptr) return std::nullopt;
  std::string range = "must be an integer between " + std::to_string(min) + " and " + std::to_string(max);
  if (v->is_number_unsigned()) {
    uint64_t u = v->get<uint64_t>();
    if (max < 0 || u > static_cast<uint64_t>(max)) ThrowInvalidField(field, range);
    int64_t i = static_cast<int64_t>(u);
    if (i < min) ThrowInvalidField(field, range);
    return i;
  }
  if (v->is_number_integer()) {
    int64_t i = v->get<int64_t>();
    if (i < min || i > max) ThrowInvalidField(field, range);
    return i;
  }
  ThrowInvalidField(field, range);
}

std::optional<bool> OptionalBool(const json& obj, const char* field) {
  const json* v = Find(obj, field);
  if (v == nullptr) return std::nullopt;
  if (!v->is_boolean()) ThrowInvalidField(field, "must be a boolean");
  return v->get<bool>();
}

std::optional<json> OptionalObject(const json& obj, const char* field) {
  const json* v = Find(obj, field);
  if (v == nullptr) return std::nullopt;
  if (!v->is_object()) ThrowInvalidField(field, "must be an object");
  return *v;
}

std::string RequiredEnum(const json& obj, const char* field, std::initializer_list<std::string_view> allowed) {
  const json* v = Find(obj, field);
  if (v == nullptr) ThrowInvalidField(field, "field required, one of: " + AllowedList(allowed));
  return CheckEnum(*v, field, allowed);
}

std::optional<std::string> OptionalEnum(const json& obj, const char* field,
                                        std::initializer_list<std::string_view> allowed) {
  const json* v = Find(obj, field);
  if (v == nullptr) return std::nullopt;
  return CheckEnum(*v, field, allowed);
}

int QueryInt(const Request& req, const char* name, int default_value, int min, int max) {
  std::optional<std::string> raw = req.QueryParam(name);
  if (!raw) return default_value;
  std::string range = "must be an integer between " + std::to_string(min) + " and " + std::to_string(max);
  long long v = 0;
  const char* first = raw->data();
  const char* last = first + raw->size();
  if (first != last && *first == '+') ++first;
  auto [ptr, ec] = std::from_chars(first, last, v);
  if (ec != std::errc() || ptr != last || first == last || v < min || v > max) ThrowInvalidField(name, range);
  return static_cast<int>(v);
}

}  // namespace aw::http
