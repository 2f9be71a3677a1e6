#pragma once

// The incident priority score, recomputed on every change:
//   severity base (low 10, medium 30, high 60, critical 90)
//   + 20 when the asset is critical
//   + 2 per alert, capped at +20
//   + 10 when two or more tools reported it
//   - the age in whole hours, capped at 10
// Never below 0. Pure: the caller passes the age.

#include <cstdint>

#include "core/severity.h"

namespace aw::core {

struct PriorityInput {
  Severity severity = Severity::kLow;
  bool critical_asset = false;
  int64_t alert_count = 1;
  int tool_count = 1;
  double age_hours = 0;
};

int PriorityScore(const PriorityInput& in);

}  // namespace aw::core
