#include "store/store.h"

namespace aw::store {

const IndexSpec* TableSpec::FindIndex(const std::string& index_name) const {
  for (const auto& idx : indexes) {
    if (idx.name == index_name) return &idx;
  }
  return nullptr;
}

Result<Key> TableSpec::KeyOf(const Item& item) const {
  auto attr = [&](const std::string& a) -> Result<std::string> {
    auto it = item.find(a);
    if (it == item.end() || !it->is_string() || it->get_ref<const std::string&>().empty()) {
      return Status::InvalidArgument("key attribute '" + a + "' of table " + name +
                                     " must be a non-empty string");
    }
    return it->get<std::string>();
  };
  if (!item.is_object()) return Status::InvalidArgument("an item must be a JSON object");
  auto p = attr(pk);
  if (!p.ok()) return p.status();
  Key key{*p, std::nullopt};
  if (sk) {
    auto s = attr(*sk);
    if (!s.ok()) return s.status();
    key.sk = *s;
  }
  return key;
}

size_t ItemSize(const Item& item) { return item.dump().size(); }

namespace {

// -1, 0, 1, or nullopt when the values are not comparable (types differ).
std::optional<int> Compare(const Item& a, const Item& b) {
  if (a.is_number() && b.is_number()) {
    if (a.is_number_integer() && b.is_number_integer()) {
      auto x = a.get<int64_t>(), y = b.get<int64_t>();
      return x < y ? -1 : (x > y ? 1 : 0);
    }
    auto x = a.get<double>(), y = b.get<double>();
    return x < y ? -1 : (x > y ? 1 : 0);
  }
  if (a.is_string() && b.is_string()) {
    int c = a.get_ref<const std::string&>().compare(b.get_ref<const std::string&>());
    return c < 0 ? -1 : (c > 0 ? 1 : 0);
  }
  if (a.type() == b.type()) return a == b ? std::optional<int>(0) : std::nullopt;
  return std::nullopt;
}

bool NumericEqual(const Item& a, const Item& b) {
  if (a.is_number() && b.is_number()) return Compare(a, b) == 0;
  return a == b;
}

}  // namespace

bool Evaluate(const Condition& cond, const Item* item) {
  for (const auto& c : cond.clauses) {
    const Item* v = nullptr;
    if (item != nullptr) {
      auto it = item->find(c.attribute);
      if (it != item->end()) v = &*it;
    }
    using Op = Condition::Op;
    bool ok = false;
    switch (c.op) {
      case Op::kExists: ok = v != nullptr; break;
      case Op::kNotExists: ok = v == nullptr; break;
      case Op::kEquals: ok = v != nullptr && NumericEqual(*v, c.value); break;
      case Op::kNotEquals: ok = v == nullptr || !NumericEqual(*v, c.value); break;
      default: {
        if (v == nullptr) { ok = false; break; }
        auto r = Compare(*v, c.value);
        if (!r || !(v->is_number() || v->is_string())) { ok = false; break; }
        switch (c.op) {
          case Op::kLess: ok = *r < 0; break;
          case Op::kLessEq: ok = *r <= 0; break;
          case Op::kGreater: ok = *r > 0; break;
          case Op::kGreaterEq: ok = *r >= 0; break;
          default: break;
        }
      }
    }
    if (!ok) return false;
  }
  return true;
}

}  // namespace aw::store
