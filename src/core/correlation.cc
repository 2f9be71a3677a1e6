#include "core/correlation.h"

namespace aw::core {

std::optional<AggregationKey> ParseAggregationKey(std::string_view s) {
  if (s == "asset|signature") return AggregationKey::kAssetSignature;
  if (s == "asset|signature|tool") return AggregationKey::kAssetSignatureTool;
  if (s == "signature") return AggregationKey::kSignature;
  if (s == "asset") return AggregationKey::kAsset;
  return std::nullopt;
}

const char* AggregationKeyName(AggregationKey k) {
  switch (k) {
    case AggregationKey::kAssetSignature: return "asset|signature";
    case AggregationKey::kAssetSignatureTool: return "asset|signature|tool";
    case AggregationKey::kSignature: return "signature";
    case AggregationKey::kAsset: return "asset";
  }
  return "asset|signature";
}

namespace {

void AppendEscaped(std::string* out, std::string_view v) {
  for (char c : v) {
    if (c == '|' || c == '\\') out->push_back('\\');
    out->push_back(c);
  }
}

}  // namespace

std::string CorrelationKey(AggregationKey k, std::string_view asset, std::string_view signature,
                           std::string_view tool) {
  std::string out;
  switch (k) {
    case AggregationKey::kAssetSignature:
      out = "as:";
      AppendEscaped(&out, asset);
      out.push_back('|');
      AppendEscaped(&out, signature);
      break;
    case AggregationKey::kAssetSignatureTool:
      out = "ast:";
      AppendEscaped(&out, asset);
      out.push_back('|');
      AppendEscaped(&out, signature);
      out.push_back('|');
      AppendEscaped(&out, tool);
      break;
    case AggregationKey::kSignature:
      out = "s:";
      AppendEscaped(&out, signature);
      break;
    case AggregationKey::kAsset:
      out = "a:";
      AppendEscaped(&out, asset);
      break;
  }
  return out;
}

}  // namespace aw::core
