#pragma once

// Internal to the noise-control service (noise_service.cc, noise_api.cc):
// item prefixes and the parsers of stored items and request bodies, shared
// so that what the API accepts is exactly what the snapshot loads.

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "core/suppression.h"

namespace aw::services::noise {

inline constexpr const char* kSilencePrefix = "silence#";
inline constexpr const char* kWindowPrefix = "maint#";
inline constexpr const char* kSourcePrefix = "inhsrc#";
inline constexpr const char* kInhibitionConfig = "inhibition_rules";
inline constexpr size_t kMaxRules = 50;
inline constexpr size_t kMaxItemsLoaded = 5000;  // per kind and company, on the intake path
inline constexpr int64_t kMaxSpanSeconds = int64_t{366} * 86400 * 10;

// 422 naming the field.
[[noreturn]] void Refuse(const core::FieldError& e);
std::optional<int64_t> SecondsAt(const nlohmann::json& o, const char* f);
std::optional<core::FieldError> SilenceFromItem(const nlohmann::json& item, core::Silence* s);
// A window item (or request body) -> the core window. Field names as in the API.
std::optional<core::FieldError> WindowFromItem(const nlohmann::json& item, core::MaintenanceWindow* w);
std::optional<core::FieldError> RulesFromJson(const nlohmann::json& rules,
                                              std::vector<core::InhibitionRule>* out);
nlohmann::json RuleToJson(const core::InhibitionRule& r);
// Absent/null: nullopt; else a string of at most `max` characters (422 otherwise).
std::optional<std::string> OptionalText(const nlohmann::json& body, const char* f, size_t max);
// The API view of an item (without its sort key).
nlohmann::json Strip(nlohmann::json item);

}  // namespace aw::services::noise
