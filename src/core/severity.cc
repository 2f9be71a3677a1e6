#include "core/severity.h"

namespace aw::core {

std::optional<Severity> ParseSeverity(std::string_view s) {
  if (s == "low") return Severity::kLow;
  if (s == "medium") return Severity::kMedium;
  if (s == "high") return Severity::kHigh;
  if (s == "critical") return Severity::kCritical;
  return std::nullopt;
}

const char* SeverityName(Severity s) {
  switch (s) {
    case Severity::kLow: return "low";
    case Severity::kMedium: return "medium";
    case Severity::kHigh: return "high";
    case Severity::kCritical: return "critical";
  }
  return "low";
}

int SeverityRank(std::string_view s) {
  auto v = ParseSeverity(s);
  return v ? static_cast<int>(*v) : -1;
}

}  // namespace aw::core
