#pragma once

#include <optional>
#include <string_view>

namespace aw::core {

enum class Severity { kLow = 0, kMedium = 1, kHigh = 2, kCritical = 3 };

std::optional<Severity> ParseSeverity(std::string_view s);
const char* SeverityName(Severity s);
// Rank for "the highest seen": low 0 < medium 1 < high 2 < critical 3; unknown -1.
int SeverityRank(std::string_view s);

}  // namespace aw::core
