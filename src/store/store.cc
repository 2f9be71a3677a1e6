#include "store/store.h"

#include <cstdint>

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

// Never throws: a string that is not valid UTF-8 is counted as if replaced
// (backends reject such items separately).
size_t ItemSize(const Item& item) {
  return item.dump(-1, ' ', false, Item::error_handler_t::replace).size();
}

namespace {

int Sign(long double x, long double y) { return x < y ? -1 : (x > y ? 1 : 0); }

// Exact comparison of two JSON numbers of any representation (int64, uint64,
// double). Large integers must not be squeezed through double or int64.
std::optional<int> CompareNumbers(const Item& a, const Item& b) {
  if (a.is_number_unsigned() && b.is_number_unsigned()) {
    auto x = a.get<uint64_t>(), y = b.get<uint64_t>();
    return x < y ? -1 : (x > y ? 1 : 0);
  }
  if (a.is_number_integer() && b.is_number_integer()) {
    // At most one side is unsigned here; an unsigned above INT64_MAX is
    // larger than every signed value.
    if (a.is_number_unsigned() && a.get<uint64_t>() > uint64_t{INT64_MAX}) return 1;
    if (b.is_number_unsigned() && b.get<uint64_t>() > uint64_t{INT64_MAX}) return -1;
    auto x = a.get<int64_t>(), y = b.get<int64_t>();
    return x < y ? -1 : (x > y ? 1 : 0);
  }
  // At least one double: long double holds every int64, uint64 and double exactly.
  auto as_ld = [](const Item& v) -> long double {
    if (v.is_number_unsigned()) return static_cast<long double>(v.get<uint64_t>());
    if (v.is_number_integer()) return static_cast<long double>(v.get<int64_t>());
    return static_cast<long double>(v.get<double>());
  };
  long double x = as_ld(a), y = as_ld(b);
  if (x != x || y != y) return std::nullopt;  // NaN
  return Sign(x, y);
}

// -1, 0, 1, or nullopt when the values are not comparable (types differ).
std::optional<int> Compare(const Item& a, const Item& b) {
  if (a.is_number() && b.is_number()) return CompareNumbers(a, b);
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
