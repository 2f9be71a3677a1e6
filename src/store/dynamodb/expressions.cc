#include "store/dynamodb/expressions.h"

namespace aw::store::dynamodb {

std::string ExpressionBuilder::Name(const std::string& attribute) {
  auto it = names_.find(attribute);
  if (it != names_.end()) return it->second;
  std::string p = "#n" + std::to_string(names_.size());
  names_.emplace(attribute, p);
  name_map_[p] = attribute;
  return p;
}

Result<std::string> ExpressionBuilder::Value(const Item& value) {
  auto av = ToAttributeValue(value);
  if (!av.ok()) return av.status();
  std::string p = ":v" + std::to_string(value_map_.size());
  value_map_[p] = std::move(*av);
  return p;
}

void ExpressionBuilder::AddTo(Json* request) const {
  if (!name_map_.empty()) (*request)["ExpressionAttributeNames"] = name_map_;
  if (!value_map_.empty()) (*request)["ExpressionAttributeValues"] = value_map_;
}

namespace {

// DynamoDB has no literal false; this is one.
std::string AlwaysFalse(const std::string& n) {
  return "(attribute_exists(" + n + ") AND attribute_not_exists(" + n + "))";
}

Result<std::string> RenderClause(const Condition::Clause& c, ExpressionBuilder* b) {
  using Op = Condition::Op;
  std::string n = b->Name(c.attribute);
  switch (c.op) {
    case Op::kExists: return "attribute_exists(" + n + ")";
    case Op::kNotExists: return "attribute_not_exists(" + n + ")";
    default: break;
  }
  // Ordering comparisons are defined on numbers and strings only; on other
  // types the store's rule is "false", where DynamoDB would reject the call.
  bool ordering = c.op != Op::kEquals && c.op != Op::kNotEquals;
  if (ordering && !(c.value.is_number() || c.value.is_string())) return AlwaysFalse(n);
  auto v = b->Value(c.value);
  if (!v.ok()) return v.status();
  switch (c.op) {
    case Op::kEquals: return n + " = " + *v;
    case Op::kNotEquals: return "(attribute_not_exists(" + n + ") OR " + n + " <> " + *v + ")";
    case Op::kLess: return n + " < " + *v;
    case Op::kLessEq: return n + " <= " + *v;
    case Op::kGreater: return n + " > " + *v;
    case Op::kGreaterEq: return n + " >= " + *v;
    default: return Status::Internal("unknown condition operator");
  }
}

}  // namespace

Result<std::string> RenderCondition(const Condition& cond, ExpressionBuilder* b) {
  std::string out;
  for (const auto& c : cond.clauses) {
    auto r = RenderClause(c, b);
    if (!r.ok()) return r.status();
    if (!out.empty()) out += " AND ";
    out += *r;
  }
  return out;
}

Result<std::string> RenderNotExpired(const std::string& ttl_attribute, int64_t now_seconds,
                                     ExpressionBuilder* b) {
  // A comparison with a missing attribute or one of another type is false,
  // so NOT(ttl <= now) is true for items without a numeric TTL.
  auto now = b->Value(Item(now_seconds));
  if (!now.ok()) return now.status();
  return "(NOT (" + b->Name(ttl_attribute) + " <= " + *now + "))";
}

Result<std::string> RenderConditionWithTtl(const Condition& cond, const std::string& ttl_attribute,
                                           int64_t now_seconds, ExpressionBuilder* b) {
  auto rendered = RenderCondition(cond, b);
  if (!rendered.ok()) return rendered.status();
  if (cond.empty()) return std::string();
  auto now = b->Value(Item(now_seconds));
  if (!now.ok()) return now.status();
  std::string expired = "(" + b->Name(ttl_attribute) + " <= " + *now + ")";
  // DynamoDB rejects redundant parentheses: "((a OR b))".
  std::string group = cond.clauses.size() == 1 && rendered->front() == '(' ? *rendered : "(" + *rendered + ")";
  if (Evaluate(cond, nullptr)) {
    // Absent passes, so an expired item (absent to readers) passes too.
    return expired + " OR " + group;
  }
  // An AND chain of atoms and parenthesised clauses needs no grouping.
  return "(NOT " + expired + ") AND " + *rendered;
}

Result<std::string> RenderUpdate(const std::vector<UpdateAction>& actions, ExpressionBuilder* b) {
  std::vector<std::string> sets, removes, adds;
  using Kind = UpdateAction::Kind;
  for (const auto& a : actions) {
    std::string n = b->Name(a.attribute);
    if (a.kind == Kind::kRemove) {
      removes.push_back(n);
      continue;
    }
    auto v = b->Value(a.value);
    if (!v.ok()) return Status::InvalidArgument("attribute '" + a.attribute + "': " + v.status().message());
    switch (a.kind) {
      case Kind::kSet: sets.push_back(n + " = " + *v); break;
      case Kind::kSetIfNotExists: sets.push_back(n + " = if_not_exists(" + n + ", " + *v + ")"); break;
      case Kind::kAdd: adds.push_back(n + " " + *v); break;
      case Kind::kAppend: {
        auto empty = b->Value(Item::array());
        if (!empty.ok()) return empty.status();
        sets.push_back(n + " = list_append(if_not_exists(" + n + ", " + *empty + "), " + *v + ")");
        break;
      }
      default: break;
    }
  }
  std::string out;
  auto clause = [&](const char* verb, const std::vector<std::string>& parts) {
    if (parts.empty()) return;
    if (!out.empty()) out += " ";
    out += verb;
    for (size_t i = 0; i < parts.size(); ++i) out += (i ? ", " : " ") + parts[i];
  };
  clause("SET", sets);
  clause("REMOVE", removes);
  clause("ADD", adds);
  return out;
}

Result<std::string> RenderKeyCondition(const std::string& pk_attribute, const std::string& pk,
                                       const std::optional<std::string>& sk_attribute,
                                       const SortCondition& sk, ExpressionBuilder* b) {
  auto pv = b->Value(Item(pk));
  if (!pv.ok()) return pv.status();
  std::string out = b->Name(pk_attribute) + " = " + *pv;
  using Op = SortCondition::Op;
  if (sk.op == Op::kNone || !sk_attribute) return out;
  // begins_with("") matches everything: no condition at all.
  if (sk.op == Op::kBeginsWith && sk.value.empty()) return out;
  std::string n = b->Name(*sk_attribute);
  auto v = b->Value(Item(sk.value));
  if (!v.ok()) return v.status();
  switch (sk.op) {
    case Op::kEq: return out + " AND " + n + " = " + *v;
    case Op::kLess: return out + " AND " + n + " < " + *v;
    case Op::kLessEq: return out + " AND " + n + " <= " + *v;
    case Op::kGreater: return out + " AND " + n + " > " + *v;
    case Op::kGreaterEq: return out + " AND " + n + " >= " + *v;
    case Op::kBeginsWith: return out + " AND begins_with(" + n + ", " + *v + ")";
    case Op::kBetween: {
      auto v2 = b->Value(Item(sk.value2));
      if (!v2.ok()) return v2.status();
      return out + " AND " + n + " BETWEEN " + *v + " AND " + *v2;
    }
    default: return out;
  }
}

}  // namespace aw::store::dynamodb
