// DynamoDB backend, offline parts: AttributeValue conversion (numbers kept
// exact), expression rendering with placeholders, table definitions and the
// mapping of DynamoDB's error types. The backend against a real DynamoDB API
// server is covered by the store conformance suite (StoreConformance.*/DynamoDb).

#include <gtest/gtest.h>

#include <cstdint>
#include <limits>

#include "store/dynamodb/attribute_value.h"
#include "store/dynamodb/dynamodb_client.h"
#include "store/dynamodb/dynamodb_schema.h"
#include "store/dynamodb/expressions.h"
#include "store/tables.h"

namespace aw::store::dynamodb {
namespace {

TEST(DynamoDbMarshal, EveryJsonTypeRoundTrips) {
  Item item = {{"s", "text"},   {"empty", ""},          {"n", 42},       {"neg", -7},
               {"f", 2.5},      {"b", true},            {"null", nullptr}, {"list", {1, "two", false}},
               {"map", {{"inner", {{"deep", Item::array()}}}}}, {"obj", Item::object()}};
  auto av = ToAttributeMap(item);
  ASSERT_TRUE(av.ok()) << av.status().ToString();
  EXPECT_EQ((*av)["s"], Json({{"S", "text"}}));
  EXPECT_EQ((*av)["n"], Json({{"N", "42"}}));
  EXPECT_EQ((*av)["b"], Json({{"BOOL", true}}));
  EXPECT_EQ((*av)["null"], Json({{"NULL", true}}));
  EXPECT_EQ((*av)["list"]["L"][1], Json({{"S", "two"}}));
  EXPECT_EQ((*av)["map"]["M"]["inner"]["M"]["deep"], Json({{"L", Json::array()}}));
  auto back = FromAttributeMap(*av);
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  EXPECT_EQ(*back, item);
}

TEST(DynamoDbMarshal, NumbersStayExact) {
  struct Case {
    Item value;
    std::string text;
  };
  const uint64_t big = std::numeric_limits<uint64_t>::max();
  const int64_t small = std::numeric_limits<int64_t>::min();
  for (const Case& c : {Case{Item(big), "18446744073709551615"}, Case{Item(small), "-9223372036854775808"},
                        Case{Item(0.1), "0.1"}, Case{Item(1e20), "1e+20"}, Case{Item(-0.5), "-0.5"},
                        Case{Item(1700000000), "1700000000"}}) {
    EXPECT_EQ(NumberText(c.value), c.text);
    auto back = ParseNumber(c.text);
    ASSERT_TRUE(back.ok()) << c.text;
    EXPECT_EQ(*back, c.value) << c.text;
  }
  // DynamoDB normalises "100.0" to "100": read back as an integer.
  EXPECT_TRUE(ParseNumber("100")->is_number_integer());
  EXPECT_EQ(*ParseNumber("1E+2"), Item(100.0));
  EXPECT_EQ(ParseNumber("12abc").status().code(), Code::kInternal);
  EXPECT_EQ(ParseNumber("").status().code(), Code::kInternal);
  EXPECT_EQ(ToAttributeValue(Item(std::numeric_limits<double>::infinity())).status().code(),
            Code::kInvalidArgument);
}

TEST(DynamoDbMarshal, UnknownAttributeValuesAreInternalErrors) {
  EXPECT_EQ(FromAttributeValue(Json({{"B", "AAEC"}})).status().code(), Code::kInternal);
  EXPECT_EQ(FromAttributeValue(Json::array()).status().code(), Code::kInternal);
  EXPECT_EQ(*FromAttributeValue(Json({{"SS", {"a", "b"}}})), Item({"a", "b"}));
}

TEST(DynamoDbExpressions, ConditionsUsePlaceholdersOnly) {
  ExpressionBuilder b;
  auto e = RenderCondition(
      Condition().NotExists("id").Equals("status", "open").NotEquals("version", 3).Less("count", 10), &b);
  ASSERT_TRUE(e.ok());
  EXPECT_EQ(*e,
            "attribute_not_exists(#n0) AND #n1 = :v0 AND (attribute_not_exists(#n2) OR #n2 <> :v1) AND "
            "#n3 < :v2");
  Json req = Json::object();
  b.AddTo(&req);
  EXPECT_EQ(req["ExpressionAttributeNames"]["#n1"], "status");  // a reserved word, safely named
  EXPECT_EQ(req["ExpressionAttributeValues"][":v1"], Json({{"N", "3"}}));
  // Ordering on a bool is false in the store's rules: a condition that can never hold.
  ExpressionBuilder b2;
  EXPECT_EQ(*RenderCondition(Condition().Greater("flag", true), &b2),
            "(attribute_exists(#n0) AND attribute_not_exists(#n0))");
}

TEST(DynamoDbExpressions, TtlMakesExpiredItemsAbsentWithoutRedundantParentheses) {
  ExpressionBuilder b;
  // Passes on an absent item: an expired one passes as well.
  EXPECT_EQ(*RenderConditionWithTtl(Condition().NotEquals("a", 1), "ttl", 100, &b),
            "(#n1 <= :v1) OR (attribute_not_exists(#n0) OR #n0 <> :v0)");
  ExpressionBuilder b2;
  // Fails on an absent item: the item must be live as well.
  EXPECT_EQ(*RenderConditionWithTtl(Condition().Exists("id").Equals("v", 2), "ttl", 100, &b2),
            "(NOT (#n2 <= :v1)) AND attribute_exists(#n0) AND #n1 = :v0");
  ExpressionBuilder b3;
  EXPECT_EQ(*RenderConditionWithTtl(Condition(), "ttl", 100, &b3), "");
}

TEST(DynamoDbExpressions, UpdatesGroupActionsByClause) {
  ExpressionBuilder b;
  UpdateRequest u;
  u.Set("title", "x").SetIfNotExists("created", "now").Remove("old").Add("count", 1).Append("log", {"e"});
  auto e = RenderUpdate(u.actions, &b);
  ASSERT_TRUE(e.ok());
  EXPECT_EQ(*e,
            "SET #n0 = :v0, #n1 = if_not_exists(#n1, :v1), #n4 = list_append(if_not_exists(#n4, :v4), :v3) "
            "REMOVE #n2 ADD #n3 :v2");
  ExpressionBuilder none;
  EXPECT_EQ(*RenderUpdate({}, &none), "");
}

TEST(DynamoDbExpressions, KeyConditionsForEverySortOperator) {
  using Op = SortCondition::Op;
  struct Case {
    SortCondition sk;
    std::string want;
  };
  for (const Case& c : {Case{{Op::kNone, "", ""}, "#n0 = :v0"},
                        Case{{Op::kEq, "a", ""}, "#n0 = :v0 AND #n1 = :v1"},
                        Case{{Op::kLess, "a", ""}, "#n0 = :v0 AND #n1 < :v1"},
                        Case{{Op::kLessEq, "a", ""}, "#n0 = :v0 AND #n1 <= :v1"},
                        Case{{Op::kGreater, "a", ""}, "#n0 = :v0 AND #n1 > :v1"},
                        Case{{Op::kGreaterEq, "a", ""}, "#n0 = :v0 AND #n1 >= :v1"},
                        Case{{Op::kBetween, "a", "c"}, "#n0 = :v0 AND #n1 BETWEEN :v1 AND :v2"},
                        Case{{Op::kBeginsWith, "a", ""}, "#n0 = :v0 AND begins_with(#n1, :v1)"},
                        Case{{Op::kBeginsWith, "", ""}, "#n0 = :v0"}}) {
    ExpressionBuilder b;
    EXPECT_EQ(*RenderKeyCondition("company_id", "c1", std::string("id"), c.sk, &b), c.want);
  }
}

TEST(DynamoDbSchema, TablesAreDefinedAsDesigned) {
  const TableSpec* alerts = nullptr;
  for (const auto& t : tables::All()) {
    if (t.name == tables::kAlerts) alerts = &t;
  }
  ASSERT_NE(alerts, nullptr);
  Json on_demand = CreateTableRequest(*alerts, "AW_Alerts", {});
  EXPECT_EQ(on_demand["TableName"], "AW_Alerts");
  EXPECT_EQ(on_demand["BillingMode"], "PAY_PER_REQUEST");
  EXPECT_EQ(on_demand["KeySchema"][0], Json({{"AttributeName", "company_id"}, {"KeyType", "HASH"}}));
  EXPECT_EQ(on_demand["KeySchema"][1], Json({{"AttributeName", "id"}, {"KeyType", "RANGE"}}));
  EXPECT_EQ(on_demand["GlobalSecondaryIndexes"][0]["IndexName"], "company_id-timestamp-index");
  EXPECT_EQ(on_demand["GlobalSecondaryIndexes"][0]["Projection"]["ProjectionType"], "ALL");
  EXPECT_FALSE(on_demand["GlobalSecondaryIndexes"][0].contains("ProvisionedThroughput"));
  // company_id, correlated_incident_id, id, time_key, time_shard, timestamp
  EXPECT_EQ(on_demand["AttributeDefinitions"].size(), 6u);
  Json provisioned = CreateTableRequest(*alerts, "AW_Alerts", {5, 10});
  EXPECT_EQ(provisioned["BillingMode"], "PROVISIONED");
  EXPECT_EQ(provisioned["ProvisionedThroughput"]["WriteCapacityUnits"], 10);
  EXPECT_EQ(provisioned["GlobalSecondaryIndexes"][1]["ProvisionedThroughput"]["ReadCapacityUnits"], 5);

  // Described back, it matches; a missing index or another key is named.
  DescribedTable d{"AW_Alerts", "ACTIVE", "company_id", "id",
                   {{"company_id-timestamp-index", "company_id", "timestamp", "ACTIVE"}}, 3, "PAY_PER_REQUEST"};
  auto diffs = Differences(*alerts, d);
  ASSERT_EQ(diffs.size(), 2u);
  EXPECT_EQ(diffs[0], "index correlated_incident_id-index (correlated_incident_id HASH, timestamp RANGE) is missing");
  EXPECT_EQ(diffs[1], "index shard-time-index (time_shard HASH, time_key RANGE) is missing");
  d.sk = "timestamp";
  EXPECT_EQ(Differences(*alerts, d).size(), 3u);
  auto parsed = ParseDescribeTable({{"Table",
                                     {{"TableName", "AW_Users"},
                                      {"TableStatus", "ACTIVE"},
                                      {"ItemCount", 7},
                                      {"KeySchema", {{{"AttributeName", "id"}, {"KeyType", "HASH"}}}},
                                      {"GlobalSecondaryIndexes",
                                       {{{"IndexName", "email-index"},
                                         {"IndexStatus", "CREATING"},
                                         {"KeySchema", {{{"AttributeName", "email"}, {"KeyType", "HASH"}}}}}}}}}});
  ASSERT_TRUE(parsed.ok());
  EXPECT_EQ(parsed->item_count, 7);
  EXPECT_EQ(parsed->indexes[0].status, "CREATING");
  EXPECT_FALSE(parsed->sk.has_value());
}

// Found by the dynamodb fuzz target: a member of another type than the
// documented one threw nlohmann's type_error out of the parser.
TEST(DynamoDbSchema, DescribeTableOfOddTypesParsesWithoutThrowing) {
  Json answer = Json::parse(R"({"Table": {"TableName": [{"AttributeName": "x"}], "TableStatus": 7,
      "KeySchema": [1, {"AttributeName": "id", "KeyType": "HASH"}, {"AttributeName": [], "KeyType": "RANGE"}],
      "ItemCount": 1.5, "BillingModeSummary": {"BillingMode": {}},
      "GlobalSecondaryIndexes": ["x", {"IndexName": 3, "KeySchema": "no"}]}})");
  auto parsed = ParseDescribeTable(answer);
  ASSERT_TRUE(parsed.ok());
  EXPECT_EQ(parsed->name, "");
  EXPECT_EQ(parsed->status, "");
  EXPECT_EQ(parsed->pk, "id");
  EXPECT_EQ(parsed->sk, std::optional<std::string>(""));
  EXPECT_EQ(parsed->item_count, 0);
  EXPECT_EQ(parsed->billing_mode, "PROVISIONED");
  ASSERT_EQ(parsed->indexes.size(), 1u);
  EXPECT_EQ(parsed->indexes[0].name, "");
}

TEST(DynamoDbErrors, TypesMapToStatusCodesAndRetries) {
  struct Case {
    int http;
    std::string type;
    Code code;
    bool retry;
  };
  for (const Case& c : {Case{400, "ConditionalCheckFailedException", Code::kConditionFailed, false},
                        Case{400, "ResourceNotFoundException", Code::kNotFound, false},
                        Case{400, "ValidationException", Code::kInvalidArgument, false},
                        Case{400, "ResourceInUseException", Code::kAlreadyExists, false},
                        Case{400, "ProvisionedThroughputExceededException", Code::kThrottled, true},
                        Case{400, "ThrottlingException", Code::kThrottled, true},
                        Case{400, "RequestLimitExceeded", Code::kThrottled, true},
                        Case{400, "UnrecognizedClientException", Code::kUnauthenticated, false},
                        Case{403, "", Code::kUnauthenticated, false},
                        Case{500, "InternalServerError", Code::kUnavailable, true},
                        Case{503, "", Code::kUnavailable, true},
                        Case{400, "SomethingNew", Code::kInternal, false}}) {
    bool retry = false, throttle = false;
    Status s = MapError(c.http, c.type, "text", &retry, &throttle);
    EXPECT_EQ(s.code(), c.code) << c.type;
    EXPECT_EQ(retry, c.retry) << c.type;
    EXPECT_NE(s.message().find("text"), std::string::npos) << c.type;  // DynamoDB's own words kept
  }
}

TEST(DynamoDbClient, AnUnreachableEndpointIsUnavailableNamingIt) {
  ClientOptions o;
  o.endpoint = "http://127.0.0.1:1";  // nothing listens on port 1
  o.max_attempts = 2;
  o.base_backoff_ms = 1;
  DynamoClient client(o);
  auto r = client.Call("ListTables", Json::object());
  EXPECT_EQ(r.status().code(), Code::kUnavailable);
  EXPECT_NE(r.status().message().find("127.0.0.1:1"), std::string::npos) << r.status().message();
  EXPECT_EQ(client.Stats().calls["ListTables"], 2u);  // one retry
  EXPECT_EQ(client.Stats().retries, 1u);
}

}  // namespace
}  // namespace aw::store::dynamodb
