#pragma once

// Correlation rules of a company (CompanyConfigs, config_type "correlation")
// and the key that groups alerts into one incident. Pure.

#include <optional>
#include <string>
#include <string_view>

namespace aw::core {

enum class AggregationKey { kAssetSignature, kAssetSignatureTool, kSignature, kAsset };

std::optional<AggregationKey> ParseAggregationKey(std::string_view s);
const char* AggregationKeyName(AggregationKey k);  // "asset|signature", ...

struct CorrelationConfig {
  int time_window_minutes = 15;  // 1..1440
  AggregationKey aggregation_key = AggregationKey::kAssetSignature;
  int min_alerts_for_incident = 1;  // 1..1000
  bool auto_correlate = true;
  // Resolve an incident by itself once all of its alerts are resolved.
  bool auto_resolve = true;
};

// The grouping key: the chosen fields joined by '|', each field's '|' and
// '\\' escaped so distinct inputs never collide.
std::string CorrelationKey(AggregationKey k, std::string_view asset, std::string_view signature,
                           std::string_view tool);

}  // namespace aw::core
