#pragma once

// Alertmanager-style matchers over an alert: {name, op, value} with op one
// of "=", "!=", "=~", "!~" (regexes fully anchored, as Alertmanager's).
//
// Names: "asset", "signature", "severity" and "tool" are the alert's own
// fields; "labels.<x>" and any other name are the label <x> of the alert's
// metadata.labels (so a label called "severity" is reached as
// "labels.severity"). A missing label reads as "" (as in Alertmanager:
// `team=""` matches alerts without a team, `team!=""` those with one).
//
// Regexes are ECMAScript (std::regex), at most kMaxPatternLength characters,
// compiled once when the matcher is parsed; a value longer than
// kMaxMatchedLength never matches a regex (so =~ is false and !~ true),
// which bounds std::regex's recursive matching.
//
// Pure; a Matcher is immutable after parsing and safe to share between
// threads.

#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <regex>
#include <string>
#include <vector>

namespace aw::core {

// What matchers, silences, windows and inhibition rules look at.
struct MatchFacts {
  std::string asset;
  std::string signature;
  std::string severity;
  std::string tool;
  std::map<std::string, std::string> labels;
};

// metadata.labels when it is an object: its string values (numbers and
// booleans as their JSON text; other values are ignored).
std::map<std::string, std::string> LabelsFromMetadata(const nlohmann::json& metadata);

enum class MatchOp { kEq, kNotEq, kRegex, kNotRegex };

struct Matcher {
  std::string name;
  MatchOp op = MatchOp::kEq;
  std::string value;
  std::shared_ptr<const std::regex> re;  // kRegex / kNotRegex
};

inline constexpr size_t kMaxPatternLength = 1024;
inline constexpr size_t kMaxMatchedLength = 4096;
inline constexpr size_t kMaxMatchers = 32;

// The value `name` reads from the alert (see above).
std::string FactValue(const MatchFacts& a, const std::string& name);
bool Matches(const Matcher& m, const MatchFacts& a);
// True when every matcher matches (true for an empty list).
bool MatchesAll(const std::vector<Matcher>& ms, const MatchFacts& a);

// A refused input: `field` is its JSON path ("matchers[1].value"),
// `message` a sentence for the caller.
struct FieldError {
  std::string field;
  std::string message;
};

// Parses a JSON list of {name, op (default "="), value} under `field`
// (e.g. "matchers"). `required`: an empty list is refused.
std::optional<FieldError> ParseMatchers(const nlohmann::json& list, const std::string& field, bool required,
                                        std::vector<Matcher>* out);
// The stored / API form of matchers.
nlohmann::json MatchersToJson(const std::vector<Matcher>& ms);
const char* MatchOpName(MatchOp op);

}  // namespace aw::core
