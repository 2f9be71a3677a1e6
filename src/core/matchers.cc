#include "core/matchers.h"

namespace aw::core {

using nlohmann::json;

std::map<std::string, std::string> LabelsFromMetadata(const json& metadata) {
  std::map<std::string, std::string> out;
  if (!metadata.is_object()) return out;
  auto it = metadata.find("labels");
  if (it == metadata.end() || !it->is_object()) return out;
  for (auto l = it->begin(); l != it->end(); ++l) {
    if (l->is_string()) {
      out.emplace(l.key(), l->get<std::string>());
    } else if (l->is_number() || l->is_boolean()) {
      out.emplace(l.key(), l->dump());
    }
  }
  return out;
}

std::string FactValue(const MatchFacts& a, const std::string& name) {
  if (name == "asset") return a.asset;
  if (name == "signature") return a.signature;
  if (name == "severity") return a.severity;
  if (name == "tool") return a.tool;
  const std::string label = name.rfind("labels.", 0) == 0 ? name.substr(7) : name;
  auto it = a.labels.find(label);
  return it == a.labels.end() ? std::string() : it->second;
}

bool Matches(const Matcher& m, const MatchFacts& a) {
  const std::string v = FactValue(a, m.name);
  switch (m.op) {
    case MatchOp::kEq:
      return v == m.value;
    case MatchOp::kNotEq:
      return v != m.value;
    case MatchOp::kRegex:
    case MatchOp::kNotRegex: {
      bool hit = false;
      if (m.re && v.size() <= kMaxMatchedLength) {
        try {
          hit = std::regex_match(v, *m.re);
        } catch (const std::regex_error&) {
          hit = false;  // complexity limit: treated as no match
        }
      }
      return m.op == MatchOp::kRegex ? hit : !hit;
    }
  }
  return false;
}

bool MatchesAll(const std::vector<Matcher>& ms, const MatchFacts& a) {
  for (const auto& m : ms) {
    if (!Matches(m, a)) return false;
  }
  return true;
}

const char* MatchOpName(MatchOp op) {
  switch (op) {
    case MatchOp::kEq:
      return "=";
    case MatchOp::kNotEq:
      return "!=";
    case MatchOp::kRegex:
      return "=~";
    case MatchOp::kNotRegex:
      return "!~";
  }
  return "=";
}

std::optional<FieldError> ParseMatchers(const json& list, const std::string& field, bool required,
                                        std::vector<Matcher>* out) {
  out->clear();
  if (!list.is_array()) return FieldError{field, "must be a list of matchers {name, op, value}"};
  if (required && list.empty()) return FieldError{field, "must hold at least one matcher"};
  if (list.size() > kMaxMatchers) {
    return FieldError{field, "must hold at most " + std::to_string(kMaxMatchers) + " matchers"};
  }
  for (size_t i = 0; i < list.size(); ++i) {
    const std::string at = field + "[" + std::to_string(i) + "]";
    const json& m = list[i];
    if (!m.is_object()) return FieldError{at, "must be an object {name, op, value}"};
    Matcher x;
    auto name = m.find("name");
    if (name == m.end() || !name->is_string() || name->get<std::string>().empty() ||
        name->get<std::string>().size() > 256 || name->get<std::string>() == "labels.") {
      return FieldError{at + ".name",
                        "must be a non-empty string of at most 256 characters (asset, signature, "
                        "severity, tool, or a label name)"};
    }
    x.name = name->get<std::string>();
    auto op = m.find("op");
    std::string op_s = "=";
    if (op != m.end() && !op->is_null()) {
      if (!op->is_string()) return FieldError{at + ".op", "must be one of =, !=, =~, !~"};
      op_s = op->get<std::string>();
    }
    if (op_s == "=") {
      x.op = MatchOp::kEq;
    } else if (op_s == "!=") {
      x.op = MatchOp::kNotEq;
    } else if (op_s == "=~") {
      x.op = MatchOp::kRegex;
    } else if (op_s == "!~") {
      x.op = MatchOp::kNotRegex;
    } else {
      return FieldError{at + ".op", "must be one of =, !=, =~, !~"};
    }
    auto value = m.find("value");
    if (value == m.end() || !value->is_string()) return FieldError{at + ".value", "must be a string"};
    x.value = value->get<std::string>();
    if (x.op == MatchOp::kRegex || x.op == MatchOp::kNotRegex) {
      if (x.value.size() > kMaxPatternLength) {
        return FieldError{at + ".value", "must be a regular expression of at most " +
                                             std::to_string(kMaxPatternLength) + " characters"};
      }
      try {
        // Fully anchored, as Alertmanager's: "web.*" matches "web-1", not "my-web-1".
        x.re = std::make_shared<const std::regex>("^(?:" + x.value + ")$", std::regex::ECMAScript);
      } catch (const std::regex_error& e) {
        return FieldError{at + ".value", std::string("is not a valid regular expression (") + e.what() + ")"};
      }
    } else if (x.value.size() > 1024) {
      return FieldError{at + ".value", "must be at most 1024 characters long"};
    }
    out->push_back(std::move(x));
  }
  return std::nullopt;
}

json MatchersToJson(const std::vector<Matcher>& ms) {
  json out = json::array();
  for (const auto& m : ms) out.push_back({{"name", m.name}, {"op", MatchOpName(m.op)}, {"value", m.value}});
  return out;
}

}  // namespace aw::core
