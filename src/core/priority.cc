#include "core/priority.h"

#include <algorithm>
#include <cmath>

namespace aw::core {

int PriorityScore(const PriorityInput& in) {
  int base = 10;
  switch (in.severity) {
    case Severity::kLow: base = 10; break;
    case Severity::kMedium: base = 30; break;
    case Severity::kHigh: base = 60; break;
    case Severity::kCritical: base = 90; break;
  }
  int score = base;
  if (in.critical_asset) score += 20;
  score += static_cast<int>(std::min<int64_t>(std::max<int64_t>(in.alert_count, 0) * 2, 20));
  if (in.tool_count >= 2) score += 10;
  double age = std::max(0.0, in.age_hours);
  score -= static_cast<int>(std::min(10.0, std::floor(age)));
  return std::max(score, 0);
}

}  // namespace aw::core
