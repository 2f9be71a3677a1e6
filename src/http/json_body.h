#pragma once

// Request-body and query helpers for handlers. Each throws aw::ApiError on bad
// input so a handler reads as a straight line:
//
//   auto body = ParseJsonObject(req);
//   std::string name = RequiredString(body, "name", 200);
//   auto limit = QueryInt(req, "limit", 50, 1, 500);
//
// Errors:
//   - empty body, malformed JSON, nesting deeper than kMaxJsonDepth
//       -> 400, code "invalid_json", detail naming the parse position.
//   - everything else -> 422, code "validation_error", detail starting with
//     the field (or parameter) name: "<field>: field required",
//     "<field>: must be a string", "<field>: must be one of: a, b", ...
//     A JSON null counts as absent.
//
// Thread-safe (stateless).

#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "http/request.h"

namespace aw::http {

inline constexpr int kMaxJsonDepth = 64;

// The body as a JSON object. Non-object JSON -> 422 naming "body".
nlohmann::json ParseJsonObject(const Request& req);
// The body as any JSON value (an array for Alertmanager's API v2); the same
// 400s as ParseJsonObject.
nlohmann::json ParseJsonValue(const Request& req);

// Present, a string, non-empty, at most `max_len` bytes.
std::string RequiredString(const nlohmann::json& obj, const char* field, size_t max_len = 1024);
// Absent/null -> nullopt; otherwise a string of at most `max_len` bytes (may be empty).
std::optional<std::string> OptionalString(const nlohmann::json& obj, const char* field,
                                          size_t max_len = 1024);
// Absent/null -> nullopt; otherwise an integer (not a float, not a bool) in [min, max].
std::optional<int64_t> OptionalInt(const nlohmann::json& obj, const char* field, int64_t min,
                                   int64_t max);
// Absent/null -> nullopt; otherwise a boolean.
std::optional<bool> OptionalBool(const nlohmann::json& obj, const char* field);
// Absent/null -> nullopt; otherwise a JSON object.
std::optional<nlohmann::json> OptionalObject(const nlohmann::json& obj, const char* field);
// Present and one of `allowed`; the 422 detail lists the allowed values.
std::string RequiredEnum(const nlohmann::json& obj, const char* field,
                         std::initializer_list<std::string_view> allowed);
// Absent/null -> nullopt; otherwise one of `allowed`.
std::optional<std::string> OptionalEnum(const nlohmann::json& obj, const char* field,
                                        std::initializer_list<std::string_view> allowed);

// Query parameter `name` as an integer in [min, max]; `default_value` when absent.
// Not an integer or out of range -> 422 naming the parameter.
int QueryInt(const Request& req, const char* name, int default_value, int min, int max);

}  // namespace aw::http
