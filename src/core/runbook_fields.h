#pragma once

// Field rules for runbooks that mirror what AWS Systems Manager accepts, so a
// runbook that validates here is not refused by SendCommand later; and the
// match of runbooks to an incident's signature. Pure.
//
// Each validator returns "" when the value is acceptable, otherwise the
// problem as a phrase to follow "<field>: " in a 422.
//
// Thread-safe: pure functions.

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace aw::core {

// SendCommand's bounds.
inline constexpr int64_t kMinRunbookTimeoutSeconds = 30;
inline constexpr int64_t kMaxRunbookTimeoutSeconds = 2592000;  // 30 days
inline constexpr size_t kMaxInstanceIds = 50;
inline constexpr size_t kMaxTagValueLength = 256;
inline constexpr size_t kMaxTagKeyLength = 128;
inline constexpr size_t kMaxParameterNames = 50;
inline constexpr size_t kMaxParameterValues = 500;
inline constexpr size_t kMaxParameterValueBytes = 8192;
inline constexpr const char* kDefaultSsmDocument = "AWS-RunShellScript";

// EC2 "i-" + 8 or 17 word characters, or managed "mi-" + 17 (SSM's pattern).
bool IsValidInstanceId(std::string_view id);
std::string CheckInstanceIds(const std::vector<std::string>& ids);
// A tag key as SSM's Targets Key allows after "tag:" (letters, digits,
// space, _ . : / = + - @), 1..128 characters.
std::string CheckTagKey(std::string_view key);
std::string CheckTagValue(std::string_view value);
// SSM document names: 3..128 characters of [a-zA-Z0-9_\-.:/].
std::string CheckDocumentName(std::string_view name);
// Parameter names: 1..128 word characters; values as limited above.
std::string CheckParameters(const std::map<std::string, std::vector<std::string>>& params);

// How well a runbook's signature fits an incident's: 100 exact (case- and
// separator-insensitive), 60 when one contains the other, 30 per shared word
// up to 50, else 0. Words are split on _ - . space.
int SignatureMatchScore(std::string_view runbook_signature, std::string_view incident_signature);

}  // namespace aw::core
