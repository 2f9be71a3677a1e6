#include "core/runbook_fields.h"

#include <algorithm>
#include <cctype>
#include <set>

namespace aw::core {

namespace {

bool IsWord(char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_'; }

bool AllWord(std::string_view s) { return std::all_of(s.begin(), s.end(), IsWord); }

std::string Normalise(std::string_view s) {
  std::string out;
  for (char c : s) {
    if (c == '-' || c == '.' || c == ' ') c = '_';
    out += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  }
  return out;
}

std::set<std::string> Words(std::string_view s) {
  std::set<std::string> out;
  std::string cur;
  for (char c : Normalise(s)) {
    if (c == '_') {
      if (cur.size() >= 3) out.insert(cur);
      cur.clear();
    } else {
      cur += c;
    }
  }
  if (cur.size() >= 3) out.insert(cur);
  return out;
}

}  // namespace

bool IsValidInstanceId(std::string_view id) {
  if (id.rfind("i-", 0) == 0) {
    auto rest = id.substr(2);
    return (rest.size() == 8 || rest.size() == 17) && AllWord(rest);
  }
  if (id.rfind("mi-", 0) == 0) {
    auto rest = id.substr(3);
    return rest.size() == 17 && AllWord(rest);
  }
  return false;
}

std::string CheckInstanceIds(const std::vector<std::string>& ids) {
  if (ids.empty()) return "must list at least one instance id";
  if (ids.size() > kMaxInstanceIds) return "at most " + std::to_string(kMaxInstanceIds) + " instance ids";
  std::set<std::string> seen;
  for (const auto& id : ids) {
    if (!IsValidInstanceId(id)) {
      return "\"" + id.substr(0, 40) +
             "\" is not an instance id (i- followed by 8 or 17 characters, or mi- and 17)";
    }
    if (!seen.insert(id).second) return "\"" + id + "\" is listed twice";
  }
  return "";
}

std::string CheckTagKey(std::string_view key) {
  if (key.empty() || key.size() > kMaxTagKeyLength) {
    return "must be 1 to " + std::to_string(kMaxTagKeyLength) + " characters";
  }
  for (char c : key) {
    if (!(IsWord(c) || c == ' ' || c == '.' || c == ':' || c == '/' || c == '=' || c == '+' || c == '-' ||
          c == '@')) {
      return "may contain only letters, digits, spaces and _ . : / = + - @";
    }
  }
  return "";
}

std::string CheckTagValue(std::string_view value) {
  if (value.empty() || value.size() > kMaxTagValueLength) {
    return "must be 1 to " + std::to_string(kMaxTagValueLength) + " characters";
  }
  for (char c : value) {
    if (static_cast<unsigned char>(c) < 0x20) return "must not contain control characters";
  }
  return "";
}

std::string CheckDocumentName(std::string_view name) {
  if (name.size() < 3 || name.size() > 128) return "must be 3 to 128 characters";
  for (char c : name) {
    if (!(IsWord(c) || c == '-' || c == '.' || c == ':' || c == '/')) {
      return "may contain only letters, digits and _ - . : /";
    }
  }
  return "";
}

std::string CheckParameters(const std::map<std::string, std::vector<std::string>>& params) {
  if (params.size() > kMaxParameterNames) return "at most " + std::to_string(kMaxParameterNames) + " names";
  for (const auto& [name, values] : params) {
    if (name.empty() || name.size() > 128 || !AllWord(name)) {
      return "\"" + name.substr(0, 40) + "\" is not a parameter name (1 to 128 letters, digits or _)";
    }
    if (values.size() > kMaxParameterValues) {
      return name + " has more than " + std::to_string(kMaxParameterValues) + " values";
    }
    for (const auto& v : values) {
      if (v.size() > kMaxParameterValueBytes) {
        return name + " has a value longer than " + std::to_string(kMaxParameterValueBytes) + " bytes";
      }
    }
  }
  return "";
}

int SignatureMatchScore(std::string_view runbook_signature, std::string_view incident_signature) {
  if (runbook_signature.empty() || incident_signature.empty()) return 0;
  std::string a = Normalise(runbook_signature);
  std::string b = Normalise(incident_signature);
  if (a == b) return 100;
  if (a.find(b) != std::string::npos || b.find(a) != std::string::npos) return 60;
  auto wa = Words(a);
  auto wb = Words(b);
  int shared = 0;
  for (const auto& w : wa) shared += wb.count(w) ? 1 : 0;
  return std::min(50, 30 * shared);
}

}  // namespace aw::core
