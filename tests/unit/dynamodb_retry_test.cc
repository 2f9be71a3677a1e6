// DynamoDB backend against a scripted DynamoDB stand-in (a local http::Server
// answering in DynamoDB's JSON protocol): throttling and 5xx are retried with
// backoff, throttling that outlasts the retries ends a request with 503 and
// Retry-After, unprocessed batch items and keys are sent again.

// Requests are written with designated initializers; GCC 12 warns about the
// fields they leave to their defaults, which is the point of them.
#pragma GCC diagnostic ignored "-Wmissing-field-initializers"

#include <gtest/gtest.h>

#include <atomic>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "base/clock.h"
#include "base/errors.h"
#include "http/server.h"
#include "store/dynamodb/dynamodb_store.h"

namespace aw::store {
namespace {

using dynamodb::Json;

struct Call {
  std::string op;
  Json body;
  std::string authorization;
  std::string content_type;
};

// Answers each call with the next scripted answer for its operation, or 200 {}.
class FakeDynamoDb {
 public:
  using Answer = std::pair<int, Json>;
  FakeDynamoDb() {
    router_.Add("POST", "/", [this](http::Request& req) {
      std::string target(req.Header("x-amz-target"));
      std::string op = target.substr(target.find('.') + 1);
      std::lock_guard lock(mu_);
      calls_.push_back({op, Json::parse(req.body), std::string(req.Header("authorization")),
                        std::string(req.Header("content-type"))});
      auto& queue = script_[op];
      if (queue.empty()) return http::Response::Json(200, op == "DescribeTable" ? describe_ : Json::object());
      Answer a = queue.front();
      queue.pop_front();
      return http::Response::Json(static_cast<unsigned>(a.first), a.second);
    });
    http::ServerOptions opts;
    opts.address = "127.0.0.1";
    opts.port = 0;
    opts.worker_threads = 2;
    server_ = std::make_unique<http::Server>(opts, &router_);
    EXPECT_TRUE(server_->Start().ok());
    describe_ = {{"Table",
                  {{"TableName", "t_Things"},
                   {"TableStatus", "ACTIVE"},
                   {"KeySchema", {{{"AttributeName", "p"}, {"KeyType", "HASH"}}, {{"AttributeName", "s"}, {"KeyType", "RANGE"}}}}}}};
  }
  std::string endpoint() const { return "http://127.0.0.1:" + std::to_string(server_->port()); }
  void Then(const std::string& op, int status, Json body) {
    std::lock_guard lock(mu_);
    script_[op].push_back({status, std::move(body)});
  }
  std::vector<Call> Calls(const std::string& op) {
    std::lock_guard lock(mu_);
    std::vector<Call> out;
    for (const auto& c : calls_) {
      if (c.op == op) out.push_back(c);
    }
    return out;
  }

 private:
  http::Router router_;
  std::unique_ptr<http::Server> server_;
  std::mutex mu_;
  std::map<std::string, std::deque<Answer>> script_;
  std::vector<Call> calls_;
  Json describe_;
};

Json Throttled() {
  return {{"__type", "com.amazonaws.dynamodb.v20120810#ProvisionedThroughputExceededException"},
          {"message", "The level of configured provisioned throughput for the table was exceeded."}};
}

class DynamoDbRetryTest : public ::testing::Test {
 protected:
  std::unique_ptr<DynamoStore> Open(int max_attempts = 6) {
    DynamoOptions o;
    o.client.endpoint = fake_.endpoint();
    o.client.credentials = {"AKID", "secret", ""};
    o.client.max_attempts = max_attempts;
    o.client.base_backoff_ms = 1;
    o.client.max_backoff_ms = 4;
    o.table_prefix = "t_";
    o.create_missing = false;
    auto s = std::make_unique<DynamoStore>(o, &clock_);
    Status created = s->CreateTable(TableSpec{"Things", "p", "s", {}, std::nullopt});
    EXPECT_TRUE(created.ok()) << created.ToString();
    return s;
  }
  FakeClock clock_;
  FakeDynamoDb fake_;
};

TEST_F(DynamoDbRetryTest, ThrottlingAnd5xxAreRetriedUntilTheyPass) {
  auto store = Open();
  fake_.Then("PutItem", 400, Throttled());
  fake_.Then("PutItem", 400, {{"__type", "com.amazon.coral.availability#ThrottlingException"}, {"message", "slow"}});
  fake_.Then("PutItem", 500, {{"__type", "com.amazonaws.dynamodb.v20120810#InternalServerError"}});
  Status s = store->PutItem({"Things", {{"p", "a"}, {"s", "b"}, {"n", 1}}, {}});
  ASSERT_TRUE(s.ok()) << s.ToString();
  auto calls = fake_.Calls("PutItem");
  ASSERT_EQ(calls.size(), 4u);
  EXPECT_EQ(calls[3].body["TableName"], "t_Things");
  EXPECT_EQ(calls[3].body["Item"]["n"], Json({{"N", "1"}}));
  EXPECT_EQ(store->Stats().retries, 3u);
  EXPECT_EQ(store->Stats().throttled, 2u);
}

TEST_F(DynamoDbRetryTest, ThrottlingThatOutlastsTheRetriesIs503WithRetryAfter) {
  auto store = Open(/*max_attempts=*/3);
  for (int i = 0; i < 3; ++i) fake_.Then("UpdateItem", 400, Throttled());
  auto r = store->UpdateItem(UpdateRequest{"Things", {"a", "b"}, {}, {}}.Add("n", 1));
  EXPECT_EQ(r.status().code(), Code::kThrottled) << r.status().ToString();
  EXPECT_NE(r.status().message().find("t_Things"), std::string::npos) << r.status().message();
  EXPECT_EQ(fake_.Calls("UpdateItem").size(), 3u);
  try {
    ThrowIfError(r.status(), "incident");
    FAIL() << "no error thrown";
  } catch (const ApiError& e) {
    EXPECT_EQ(e.kind(), ErrorKind::kUnavailable);
    EXPECT_GT(e.retry_after_seconds(), 0);
  }
}

TEST_F(DynamoDbRetryTest, ConditionFailuresAndValidationErrorsAreNotRetried) {
  auto store = Open();
  fake_.Then("PutItem", 400, {{"__type", "com.amazonaws.dynamodb.v20120810#ConditionalCheckFailedException"},
                              {"message", "The conditional request failed"}});
  EXPECT_TRUE(store->PutItem({"Things", {{"p", "a"}, {"s", "b"}}, Condition::ItemNotExists("p")}).IsConditionFailed());
  fake_.Then("PutItem", 400, {{"__type", "com.amazon.coral.validate#ValidationException"},
                              {"message", "One or more parameter values were invalid: Type mismatch for key owner"}});
  Status s = store->PutItem({"Things", {{"p", "a"}, {"s", "b"}}, {}});
  EXPECT_EQ(s.code(), Code::kInvalidArgument);
  EXPECT_NE(s.message().find("owner"), std::string::npos) << s.message();  // DynamoDB's words name it
  EXPECT_EQ(fake_.Calls("PutItem").size(), 2u);
  fake_.Then("GetItem", 400, {{"__type", "com.amazonaws.dynamodb.v20120810#ResourceNotFoundException"},
                              {"message", "Requested resource not found"}});
  auto g = store->GetItem({"Things", {"a", "b"}});
  EXPECT_EQ(g.status().code(), Code::kNotFound);
  EXPECT_NE(g.status().message().find("alertwhisperer tables create"), std::string::npos) << g.status().message();
  EXPECT_NE(g.status().message().find("us-east-1"), std::string::npos);
}

TEST_F(DynamoDbRetryTest, UnprocessedItemsAndKeysAreSentAgain) {
  auto store = Open();
  WriteBatch batch{"Things", {}, {}};
  for (int i = 0; i < 30; ++i) batch.puts.push_back({{"p", "a"}, {"s", "k" + std::to_string(100 + i)}});
  batch.deletes.push_back({"a", "k100"});  // folded: put then delete of one key is a delete
  // The first chunk of 25 comes back with 2 unprocessed items.
  Json un = Json::array({{{"PutRequest", {{"Item", {{"p", {{"S", "a"}}}, {"s", {{"S", "k101"}}}}}}}},
                         {{"PutRequest", {{"Item", {{"p", {{"S", "a"}}}, {"s", {{"S", "k102"}}}}}}}}});
  fake_.Then("BatchWriteItem", 200, {{"UnprocessedItems", {{"t_Things", un}}}});
  ASSERT_TRUE(store->BatchWriteItem(batch).ok());
  auto writes = fake_.Calls("BatchWriteItem");
  ASSERT_EQ(writes.size(), 3u);  // 25, the 2 again, then the last 5
  EXPECT_EQ(writes[0].body["RequestItems"]["t_Things"].size(), 25u);
  EXPECT_EQ(writes[1].body["RequestItems"]["t_Things"], un);
  EXPECT_EQ(writes[2].body["RequestItems"]["t_Things"].size(), 5u);
  EXPECT_TRUE(writes[0].body["RequestItems"]["t_Things"][0].contains("DeleteRequest"));  // k100

  std::vector<Key> keys;
  for (int i = 0; i < 120; ++i) keys.push_back({"a", "k" + std::to_string(i)});
  keys.push_back({"a", "k0"});  // a repeat: sent once
  Json item = {{"p", {{"S", "a"}}}, {"s", {{"S", "k5"}}}};
  fake_.Then("BatchGetItem", 200,
             {{"Responses", {{"t_Things", Json::array({item})}}},
              {"UnprocessedKeys", {{"t_Things", {{"Keys", Json::array({{{"p", {{"S", "a"}}}, {"s", {{"S", "k6"}}}}})}}}}}});
  auto got = store->BatchGetItem("Things", keys);
  ASSERT_TRUE(got.ok()) << got.status().ToString();
  EXPECT_EQ(got->size(), 1u);
  auto gets = fake_.Calls("BatchGetItem");
  ASSERT_EQ(gets.size(), 3u);  // 100 keys, the unprocessed one again, the last 20
  EXPECT_EQ(gets[0].body["RequestItems"]["t_Things"]["Keys"].size(), 100u);
  EXPECT_EQ(gets[1].body["RequestItems"]["t_Things"]["Keys"].size(), 1u);
  EXPECT_EQ(gets[2].body["RequestItems"]["t_Things"]["Keys"].size(), 20u);
  EXPECT_EQ(gets[0].body["RequestItems"]["t_Things"]["ConsistentRead"], true);
}

TEST_F(DynamoDbRetryTest, RequestsAreSignedForDynamoDb) {
  auto store = Open();
  ASSERT_TRUE(store->DeleteItem({"Things", {"a", "b"}, {}}).ok());
  auto calls = fake_.Calls("DeleteItem");
  ASSERT_EQ(calls.size(), 1u);
  EXPECT_EQ(calls[0].body["Key"], Json({{"p", {{"S", "a"}}}, {"s", {{"S", "b"}}}}));
  EXPECT_EQ(calls[0].content_type, "application/x-amz-json-1.0");
  EXPECT_EQ(calls[0].authorization.rfind("AWS4-HMAC-SHA256 Credential=AKID/", 0), 0u) << calls[0].authorization;
  EXPECT_NE(calls[0].authorization.find("/us-east-1/dynamodb/aws4_request"), std::string::npos);
  EXPECT_NE(calls[0].authorization.find("x-amz-target"), std::string::npos);  // a signed header
}

}  // namespace
}  // namespace aw::store
