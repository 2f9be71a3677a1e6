#include "base/json_fields.h"

#include <algorithm>

#include <nlohmann/json.hpp>

#include "base/errors.h"

namespace aw {

void RejectUnknownFields(const nlohmann::json& obj, std::initializer_list<std::string_view> known,
                         const std::string& prefix) {
  if (!obj.is_object()) return;
  std::string names;
  int count = 0;
  for (const auto& [k, v] : obj.items()) {
    if (std::find(known.begin(), known.end(), std::string_view(k)) != known.end()) continue;
    // The detail stays short whatever the body holds: ten names, each cut at 64 bytes.
    if (count < 10) {
      if (count > 0) names += ", ";
      names += prefix + k.substr(0, 64);
    }
    ++count;
  }
  if (count > 10) names += " (and " + std::to_string(count - 10) + " more)";
  if (count > 0) ThrowInvalidField(names, count == 1 ? "unknown field" : "unknown fields");
}

}  // namespace aw
