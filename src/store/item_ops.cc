#include "store/item_ops.h"

#include <cstdint>
#include <set>

namespace aw::store {
namespace {

bool ValidName(const std::string& n) {
  if (n.empty() || n.size() > 255) return false;
  for (char c : n) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
              c == '-' || c == '.';
    if (!ok) return false;
  }
  return true;
}

const char* TypeName(const Item& v) {
  if (v.is_null()) return "null";
  if (v.is_boolean()) return "bool";
  if (v.is_number()) return "number";
  if (v.is_string()) return "string";
  if (v.is_array()) return "list";
  if (v.is_object()) return "map";
  return "binary";
}

}  // namespace

Status UnknownTable(const std::string& table) {
  return Status::NotFound("no table named '" + table + "' (create it first)");
}

Status ItemTooLarge(const std::string& table, size_t bytes) {
  return Status::InvalidArgument("item of " + std::to_string(bytes) + " bytes in table " + table +
                                 " exceeds the 400 KB item size limit (" + std::to_string(kMaxItemBytes) +
                                 " bytes of compact JSON)");
}

Status ConditionFalse(const char* op, const std::string& table) {
  return Status::ConditionFailed(std::string("the condition of ") + op + " on table " + table + " is false");
}

Status ValidateTableSpec(const TableSpec& spec) {
  if (!ValidName(spec.name)) {
    return Status::InvalidArgument("table name '" + spec.name +
                                   "' must be 1-255 characters of [A-Za-z0-9_.-]");
  }
  std::string where = " of table " + spec.name;
  if (spec.pk.empty()) return Status::InvalidArgument("partition key attribute" + where + " is empty");
  if (spec.sk && (spec.sk->empty() || *spec.sk == spec.pk)) {
    return Status::InvalidArgument("sort key attribute" + where +
                                   " must be non-empty and differ from the partition key");
  }
  if (spec.ttl_attribute && spec.ttl_attribute->empty()) {
    return Status::InvalidArgument("TTL attribute" + where + " is empty");
  }
  std::set<std::string> names;
  for (const auto& idx : spec.indexes) {
    if (!ValidName(idx.name)) {
      return Status::InvalidArgument("index name '" + idx.name + "'" + where +
                                     " must be 1-255 characters of [A-Za-z0-9_.-]");
    }
    if (!names.insert(idx.name).second) return Status::InvalidArgument("duplicate index " + idx.name + where);
    if (idx.pk.empty() || (idx.sk && (idx.sk->empty() || *idx.sk == idx.pk))) {
      return Status::InvalidArgument("index " + idx.name + where +
                                     " needs distinct, non-empty key attributes");
    }
  }
  return Status::OK();
}

bool SameKeySchema(const TableSpec& a, const TableSpec& b) {
  return a.name == b.name && a.pk == b.pk && a.sk == b.sk;
}

bool SameIndex(const IndexSpec& a, const IndexSpec& b) {
  return a.name == b.name && a.pk == b.pk && a.sk == b.sk;
}

bool SameSpec(const TableSpec& a, const TableSpec& b) {
  if (!SameKeySchema(a, b) || a.ttl_attribute != b.ttl_attribute || a.indexes.size() != b.indexes.size()) {
    return false;
  }
  for (size_t i = 0; i < a.indexes.size(); ++i) {
    if (!SameIndex(a.indexes[i], b.indexes[i])) return false;
  }
  return true;
}

Status CheckRedefinition(const TableSpec& existing, const TableSpec& wanted) {
  if (SameKeySchema(existing, wanted)) return Status::OK();
  auto describe = [](const TableSpec& s) { return "(" + s.pk + (s.sk ? ", " + *s.sk : std::string()) + ")"; };
  return Status::AlreadyExists("table " + existing.name + " exists with key " + describe(existing) +
                               ", not " + describe(wanted));
}

Status ValidateKey(const TableSpec& spec, const Key& key) {
  if (key.pk.empty()) return Status::InvalidArgument("partition key of table " + spec.name + " is empty");
  if (spec.sk.has_value() != key.sk.has_value()) {
    return Status::InvalidArgument(spec.sk ? "table " + spec.name + " needs a sort key (" + *spec.sk + ")"
                                           : "table " + spec.name + " has no sort key, but the key has one");
  }
  if (key.sk && key.sk->empty())
    return Status::InvalidArgument("sort key of table " + spec.name + " is empty");
  return Status::OK();
}

Status ValidateCondition(const Condition& cond) {
  for (const auto& c : cond.clauses) {
    if (c.attribute.empty()) return Status::InvalidArgument("a condition names an empty attribute");
  }
  return Status::OK();
}

Status ValidateUpdate(const TableSpec& spec, const UpdateRequest& req) {
  std::set<std::string> seen;
  for (const auto& a : req.actions) {
    if (a.attribute.empty()) return Status::InvalidArgument("an update names an empty attribute");
    if (a.attribute == spec.pk || (spec.sk && a.attribute == *spec.sk)) {
      return Status::InvalidArgument("cannot update key attribute '" + a.attribute + "' of table " +
                                     spec.name);
    }
    if (!seen.insert(a.attribute).second) {
      return Status::InvalidArgument("attribute '" + a.attribute + "' appears in two update actions");
    }
    if (a.kind == UpdateAction::Kind::kAdd && !a.value.is_number()) {
      return Status::InvalidArgument("ADD to '" + a.attribute + "' needs a number, got a " +
                                     TypeName(a.value));
    }
    if (a.kind == UpdateAction::Kind::kAppend && !a.value.is_array()) {
      return Status::InvalidArgument("Append to '" + a.attribute + "' needs a list, got a " +
                                     TypeName(a.value));
    }
  }
  return ValidateCondition(req.condition);
}

Result<std::string> SerializeItem(const TableSpec& spec, const Item& item) {
  if (!item.is_object()) return Status::InvalidArgument("an item must be a JSON object");
  std::string text;
  try {
    text = item.dump();
  } catch (const nlohmann::json::exception&) {
    return Status::InvalidArgument("an item of table " + spec.name +
                                   " holds a string that is not valid UTF-8");
  }
  if (text.size() > kMaxItemBytes) return ItemTooLarge(spec.name, text.size());
  return text;
}

Item KeyItem(const TableSpec& spec, const Key& key) {
  Item item = Item::object();
  item[spec.pk] = key.pk;
  if (spec.sk && key.sk) item[*spec.sk] = *key.sk;
  return item;
}

const Item* TtlOf(const TableSpec& spec, const Item& item) {
  if (!spec.ttl_attribute) return nullptr;
  auto it = item.find(*spec.ttl_attribute);
  if (it == item.end() || !it->is_number()) return nullptr;
  return &*it;
}

bool IsExpired(const TableSpec& spec, const Item& item, int64_t now_seconds) {
  const Item* ttl = TtlOf(spec, item);
  if (ttl == nullptr) return false;
  if (ttl->is_number_unsigned()) return now_seconds >= 0 && ttl->get<uint64_t>() <= uint64_t(now_seconds);
  if (ttl->is_number_integer()) return ttl->get<int64_t>() <= now_seconds;
  return static_cast<long double>(ttl->get<double>()) <= static_cast<long double>(now_seconds);
}

std::optional<IndexKey> IndexKeyOf(const IndexSpec& index, const Item& item) {
  auto str = [&](const std::string& attr) -> const std::string* {
    auto it = item.find(attr);
    if (it == item.end() || !it->is_string() || it->get_ref<const std::string&>().empty()) return nullptr;
    return &it->get_ref<const std::string&>();
  };
  const std::string* pk = str(index.pk);
  if (pk == nullptr) return std::nullopt;
  if (!index.sk) return IndexKey{*pk, ""};
  const std::string* sk = str(*index.sk);
  if (sk == nullptr) return std::nullopt;
  return IndexKey{*pk, *sk};
}

Item AddNumbers(const Item& a, const Item& b) {
  if (a.is_number_integer() && b.is_number_integer()) {
    auto wide = [](const Item& v) -> __int128 {
      return v.is_number_unsigned() ? __int128(v.get<uint64_t>()) : __int128(v.get<int64_t>());
    };
    __int128 sum = wide(a) + wide(b);
    if (sum >= INT64_MIN && sum <= INT64_MAX) return Item(static_cast<int64_t>(sum));
    if (sum > 0 && sum <= __int128(UINT64_MAX)) return Item(static_cast<uint64_t>(sum));
  }
  return Item(a.get<double>() + b.get<double>());
}

Result<Item> ApplyUpdate(const TableSpec& spec, const Key& key, const Item* existing,
                         const std::vector<UpdateAction>& actions) {
  Item item = existing != nullptr ? *existing : KeyItem(spec, key);
  using Kind = UpdateAction::Kind;
  for (const auto& a : actions) {
    auto it = item.find(a.attribute);
    bool present = it != item.end();
    switch (a.kind) {
      case Kind::kSet:
        item[a.attribute] = a.value;
        break;
      case Kind::kSetIfNotExists:
        if (!present) item[a.attribute] = a.value;
        break;
      case Kind::kRemove:
        item.erase(a.attribute);
        break;
      case Kind::kAdd:
        if (!present) {
          item[a.attribute] = a.value;
        } else if (it->is_number()) {
          *it = AddNumbers(*it, a.value);
        } else {
          return Status::InvalidArgument("ADD to '" + a.attribute +
                                         "' needs a number attribute, but it holds a " + TypeName(*it));
        }
        break;
      case Kind::kAppend:
        if (!present) {
          item[a.attribute] = a.value;
        } else if (it->is_array()) {
          for (const auto& v : a.value) it->push_back(v);
        } else {
          return Status::InvalidArgument("Append to '" + a.attribute +
                                         "' needs a list attribute, but it holds a " + TypeName(*it));
        }
        break;
    }
  }
  return item;
}

}  // namespace aw::store
