#pragma once

// Conversion between store Items (JSON) and DynamoDB's typed JSON
// ("AttributeValue": {"S": "x"}, {"N": "12"}, {"BOOL": true}, {"NULL": true},
// {"M": {...}}, {"L": [...]}).
//
// Numbers are kept exact: int64 and uint64 are written as their decimal
// digits, doubles in the shortest form that reads back to the same double.
// Reading "N" back yields int64 / uint64 when the text is an integer that
// fits, else a double.
//
// Thread-safe: pure functions.

#include <string>

#include <nlohmann/json.hpp>

#include "base/status.h"
#include "store/store.h"

namespace aw::store::dynamodb {

using Json = nlohmann::json;

// kInvalidArgument for a number DynamoDB cannot hold (NaN, infinity) or a
// value of no DynamoDB type (binary).
Result<Json> ToAttributeValue(const Item& value);
// An item (JSON object) as {"name": AttributeValue, ...}.
Result<Json> ToAttributeMap(const Item& item);

// kInternal when `av` is not an AttributeValue this code understands.
Result<Item> FromAttributeValue(const Json& av);
Result<Item> FromAttributeMap(const Json& map);

// Decimal text of a JSON number ("12", "-3", "2.5", "1e+20").
std::string NumberText(const Item& number);
// The JSON number of DynamoDB's decimal text; kInternal when it is none.
Result<Item> ParseNumber(const std::string& text);

}  // namespace aw::store::dynamodb
