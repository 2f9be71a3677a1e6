#include "store/dynamodb/attribute_value.h"

#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <limits>

namespace aw::store::dynamodb {

std::string NumberText(const Item& number) {
  if (number.is_number_unsigned()) return std::to_string(number.get<uint64_t>());
  if (number.is_number_integer()) return std::to_string(number.get<int64_t>());
  // nlohmann prints the shortest text that reads back to the same double.
  return number.dump();
}

Result<Item> ParseNumber(const std::string& text) {
  auto bad = [&] { return Status::Internal("DynamoDB returned a number that is not one: '" + text + "'"); };
  if (text.empty()) return bad();
  bool integral = true;
  for (size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (c == '-' && i == 0) continue;
    if (c < '0' || c > '9') {
      integral = false;
      break;
    }
  }
  if (integral && text != "-") {
    errno = 0;
    char* end = nullptr;
    if (text[0] == '-') {
      long long v = std::strtoll(text.c_str(), &end, 10);
      if (errno == 0 && *end == '\0') return Item(static_cast<int64_t>(v));
    } else {
      unsigned long long v = std::strtoull(text.c_str(), &end, 10);
      if (errno == 0 && *end == '\0') {
        if (v <= static_cast<unsigned long long>(std::numeric_limits<int64_t>::max())) {
          return Item(static_cast<int64_t>(v));
        }
        return Item(static_cast<uint64_t>(v));
      }
    }
  }
  errno = 0;
  char* end = nullptr;
  double d = std::strtod(text.c_str(), &end);
  if (end == text.c_str() || *end != '\0' || !std::isfinite(d)) return bad();
  return Item(d);
}

Result<Json> ToAttributeValue(const Item& value) {
  switch (value.type()) {
    case Item::value_t::null:
      return Json{{"NULL", true}};
    case Item::value_t::boolean:
      return Json{{"BOOL", value.get<bool>()}};
    case Item::value_t::string:
      return Json{{"S", value.get_ref<const std::string&>()}};
    case Item::value_t::number_integer:
    case Item::value_t::number_unsigned:
      return Json{{"N", NumberText(value)}};
    case Item::value_t::number_float: {
      if (!std::isfinite(value.get<double>())) {
        return Status::InvalidArgument("DynamoDB cannot store a number that is NaN or infinite");
      }
      return Json{{"N", NumberText(value)}};
    }
    case Item::value_t::array: {
      Json list = Json::array();
      for (const auto& v : value) {
        auto av = ToAttributeValue(v);
        if (!av.ok()) return av.status();
        list.push_back(std::move(*av));
      }
      return Json{{"L", std::move(list)}};
    }
    case Item::value_t::object: {
      auto m = ToAttributeMap(value);
      if (!m.ok()) return m.status();
      return Json{{"M", std::move(*m)}};
    }
    default:
      return Status::InvalidArgument("DynamoDB items hold no binary JSON values");
  }
}

Result<Json> ToAttributeMap(const Item& item) {
  if (!item.is_object()) return Status::InvalidArgument("an item must be a JSON object");
  Json out = Json::object();
  for (auto it = item.begin(); it != item.end(); ++it) {
    auto av = ToAttributeValue(it.value());
    if (!av.ok()) return Status::InvalidArgument("attribute '" + it.key() + "': " + av.status().message());
    out[it.key()] = std::move(*av);
  }
  return out;
}

Result<Item> FromAttributeValue(const Json& av) {
  if (!av.is_object() || av.size() != 1) {
    return Status::Internal("DynamoDB returned an attribute value of unknown shape: " + av.dump());
  }
  auto first = av.begin();
  const std::string& type = first.key();
  const Json& v = first.value();
  if (type == "S" && v.is_string()) return Item(v);
  if (type == "N" && v.is_string()) return ParseNumber(v.get_ref<const std::string&>());
  if (type == "BOOL" && v.is_boolean()) return Item(v);
  if (type == "NULL") return Item(nullptr);
  if (type == "L" && v.is_array()) {
    Item list = Item::array();
    for (const auto& e : v) {
      auto x = FromAttributeValue(e);
      if (!x.ok()) return x.status();
      list.push_back(std::move(*x));
    }
    return list;
  }
  if (type == "M" && v.is_object()) return FromAttributeMap(v);
  // Sets (SS, NS) are read as lists; this code never writes them.
  if ((type == "SS" || type == "NS") && v.is_array()) {
    Item list = Item::array();
    for (const auto& e : v) {
      if (!e.is_string()) break;
      if (type == "SS") {
        list.push_back(e);
      } else {
        auto n = ParseNumber(e.get_ref<const std::string&>());
        if (!n.ok()) return n.status();
        list.push_back(std::move(*n));
      }
    }
    return list;
  }
  return Status::Internal("DynamoDB returned an attribute value of type '" + type + "' this code does not read");
}

Result<Item> FromAttributeMap(const Json& map) {
  if (!map.is_object()) return Status::Internal("DynamoDB returned an item that is not a map");
  Item out = Item::object();
  for (auto it = map.begin(); it != map.end(); ++it) {
    auto v = FromAttributeValue(it.value());
    if (!v.ok()) return v.status();
    out[it.key()] = std::move(*v);
  }
  return out;
}

}  // namespace aw::store::dynamodb
