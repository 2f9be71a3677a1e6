#pragma once

// The store's typed Conditions, UpdateRequests and sort-key conditions
// rendered as DynamoDB expressions with #n / :v placeholders, so that no
// attribute name ever collides with a reserved word and no value is spliced
// into the text.
//
// Thread-compatible: an ExpressionBuilder belongs to one request.

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "store/dynamodb/attribute_value.h"
#include "store/store.h"

namespace aw::store::dynamodb {

class ExpressionBuilder {
 public:
  // "#n0", "#n1", ...: one placeholder per distinct attribute name.
  std::string Name(const std::string& attribute);
  // ":v0", ":v1", ...: one placeholder per value. kInvalidArgument when the
  // value has no DynamoDB type.
  Result<std::string> Value(const Item& value);
  // Adds ExpressionAttributeNames / ExpressionAttributeValues when used.
  void AddTo(Json* request) const;

 private:
  std::map<std::string, std::string> names_;  // attribute -> placeholder
  Json name_map_ = Json::object();
  Json value_map_ = Json::object();
};

// A ConditionExpression for `cond` ("" when it is empty).
Result<std::string> RenderCondition(const Condition& cond, ExpressionBuilder* b);

// A write's condition on a table with a TTL attribute: an item whose TTL
// (a number) is <= now counts as absent, as on every other backend.
// `cond_on_absent` is Evaluate(cond, nullptr).
Result<std::string> RenderConditionWithTtl(const Condition& cond, const std::string& ttl_attribute,
                                           int64_t now_seconds, ExpressionBuilder* b);
// "the item is not expired" (true for a missing item).
Result<std::string> RenderNotExpired(const std::string& ttl_attribute, int64_t now_seconds,
                                     ExpressionBuilder* b);

// An UpdateExpression ("SET ... REMOVE ... ADD ..."; "" without actions).
Result<std::string> RenderUpdate(const std::vector<UpdateAction>& actions, ExpressionBuilder* b);

// A KeyConditionExpression: partition equality and the sort-key condition.
Result<std::string> RenderKeyCondition(const std::string& pk_attribute, const std::string& pk,
                                       const std::optional<std::string>& sk_attribute,
                                       const SortCondition& sk, ExpressionBuilder* b);

}  // namespace aw::store::dynamodb
