#pragma once

// Refusing unknown fields in request bodies: a misspelled setting
// ("enabeld") must fail loudly instead of being ignored while the answer
// says 200. Thread-safe (stateless).

#include <initializer_list>
#include <string>
#include <string_view>

#include <nlohmann/json_fwd.hpp>

namespace aw {

// Throws 422 validation_error naming every key of `obj` that is not in
// `known`: "enabeld: unknown field", or "a, b: unknown fields". `prefix`
// qualifies the names of a nested object ("triggers."). Does nothing when
// `obj` is not an object (the caller's type check reports that).
void RejectUnknownFields(const nlohmann::json& obj, std::initializer_list<std::string_view> known,
                         const std::string& prefix = "");

}  // namespace aw
