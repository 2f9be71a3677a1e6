#include "http/json_body.h"

#include <gtest/gtest.h>

#include "base/errors.h"

namespace aw::http {
namespace {

using nlohmann::json;

// Runs `fn`, which must throw ApiError; returns it.
template <typename Fn>
ApiError Catch(Fn fn) {
  try {
    fn();
  } catch (const ApiError& e) {
    return e;
  }
  ADD_FAILURE() << "no ApiError thrown";
  return ApiError(ErrorKind::kInternal, "none", "none");
}

Request WithBody(std::string body) {
  Request r;
  r.body = std::move(body);
  return r;
}

TEST(HttpParseJsonObjectTest, AcceptsObject) {
  json j = ParseJsonObject(WithBody(R"({"a": 1, "b": [true]})"));
  EXPECT_EQ(j["a"], 1);
}

TEST(HttpParseJsonObjectTest, EmptyBodyIsInvalidJson) {
  ApiError e = Catch([] { ParseJsonObject(WithBody("")); });
  EXPECT_EQ(e.kind(), ErrorKind::kBadRequest);
  EXPECT_EQ(e.code(), "invalid_json");
}

TEST(HttpParseJsonObjectTest, MalformedJsonNamesThePosition) {
  ApiError e = Catch([] { ParseJsonObject(WithBody(R"({"a": 1,, "b": 2})")); });
  EXPECT_EQ(e.kind(), ErrorKind::kBadRequest);
  EXPECT_EQ(e.code(), "invalid_json");
  EXPECT_NE(e.detail().find("at byte 9"), std::string::npos) << e.detail();
  EXPECT_EQ(e.detail().find("[json.exception"), std::string::npos) << e.detail();
}

TEST(HttpParseJsonObjectTest, NumberOverflowIsInvalidJson) {
  // Issue 16: 1e999999 is well-formed JSON that nlohmann cannot hold; it
  // threw out_of_range past this function ("JSON error escaped a handler").
  for (const char* body : {R"({"a": 1e999999})", R"({"a": -1e400})"}) {
    ApiError e = Catch([&] { ParseJsonObject(WithBody(body)); });
    EXPECT_EQ(e.kind(), ErrorKind::kBadRequest) << body;
    EXPECT_EQ(e.code(), "invalid_json") << body;
    EXPECT_NE(e.detail().find("number overflow"), std::string::npos) << e.detail();
  }
}

TEST(HttpParseJsonObjectTest, ParserDetailQuotesWholeWords) {
  // nlohmann's "last read" stops at the offending byte: '"severity": c'.
  struct Case {
    const char* body;
    const char* near;
  } cases[] = {{R"({"severity": critical, "x": 1})", "near 'critical'"},
               {R"({"a":tru})", "near 'tru'"},
               {R"({"a": 12abc})", "near '12abc'"},
               {R"({"message": "hello wor)", "at the end of the body"},
               {"{\"a\": x\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9}",
                "near 'x\xc3\xa9"}};
  for (const auto& c : cases) {
    ApiError e = Catch([&] { ParseJsonObject(WithBody(c.body)); });
    EXPECT_EQ(e.code(), "invalid_json") << c.body;
    EXPECT_NE(e.detail().find(c.near), std::string::npos) << e.detail();
    EXPECT_EQ(e.detail().find("last read"), std::string::npos) << e.detail();
    EXPECT_EQ(e.detail().find("[json.exception"), std::string::npos) << e.detail();
    EXPECT_NO_THROW((void)json(e.detail()).dump()) << "not cut inside a UTF-8 character";
  }
}

TEST(HttpParseJsonObjectTest, NonObjectIs422NamingBody) {
  for (const char* body : {"[1,2]", "\"text\"", "42", "null"}) {
    ApiError e = Catch([&] { ParseJsonObject(WithBody(body)); });
    EXPECT_EQ(e.kind(), ErrorKind::kUnprocessable) << body;
    EXPECT_EQ(e.code(), "validation_error");
    EXPECT_EQ(e.detail().rfind("body: ", 0), 0u) << e.detail();
  }
}

TEST(HttpParseJsonObjectTest, RejectsDeepNestingCheaply) {
  std::string deep(100000, '[');
  ApiError e = Catch([&] { ParseJsonObject(WithBody("{\"a\":" + deep)); });
  EXPECT_EQ(e.code(), "invalid_json");
  EXPECT_NE(e.detail().find("nesting"), std::string::npos);
  // Brackets inside strings do not count.
  json ok = ParseJsonObject(WithBody("{\"a\": \"" + std::string(1000, '[') + "\\\"[\"}"));
  EXPECT_EQ(ok["a"].get<std::string>().size(), 1002u);
}

TEST(HttpRequiredStringTest, ValidatesPresenceTypeEmptinessAndLength) {
  json obj = {{"name", "Acme"}, {"num", 5}, {"empty", ""}, {"nul", nullptr}, {"long", std::string(11, 'x')}};
  EXPECT_EQ(RequiredString(obj, "name"), "Acme");

  ApiError missing = Catch([&] { RequiredString(obj, "absent"); });
  EXPECT_EQ(missing.kind(), ErrorKind::kUnprocessable);
  EXPECT_EQ(missing.code(), "validation_error");
  EXPECT_EQ(missing.detail(), "absent: field required");
  EXPECT_EQ(Catch([&] { RequiredString(obj, "nul"); }).detail(), "nul: field required");
  EXPECT_EQ(Catch([&] { RequiredString(obj, "num"); }).detail(), "num: must be a string");
  EXPECT_EQ(Catch([&] { RequiredString(obj, "empty"); }).detail().rfind("empty: ", 0), 0u);
  ApiError too_long = Catch([&] { RequiredString(obj, "long", 10); });
  EXPECT_EQ(too_long.kind(), ErrorKind::kUnprocessable);
  EXPECT_EQ(too_long.detail().rfind("long: ", 0), 0u);
  EXPECT_NE(too_long.detail().find("10"), std::string::npos);
  // The limit counts bytes, and the sentence says so (it said "characters").
  EXPECT_NE(too_long.detail().find("bytes"), std::string::npos) << too_long.detail();
}

TEST(HttpOptionalStringTest, AbsentNullEmptyAndWrongType) {
  json obj = {{"s", "v"}, {"e", ""}, {"n", nullptr}, {"b", true}};
  EXPECT_EQ(OptionalString(obj, "s"), "v");
  EXPECT_EQ(OptionalString(obj, "e"), "");
  EXPECT_EQ(OptionalString(obj, "n"), std::nullopt);
  EXPECT_EQ(OptionalString(obj, "zz"), std::nullopt);
  EXPECT_EQ(Catch([&] { OptionalString(obj, "b"); }).detail(), "b: must be a string");
  EXPECT_EQ(Catch([&] { OptionalString(obj, "s", 0); }).kind(), ErrorKind::kUnprocessable);
}

TEST(HttpOptionalIntTest, IntegersInRangeOnly) {
  json obj = {{"i", 5}, {"neg", -3}, {"f", 1.5}, {"b", true}, {"s", "5"}, {"big", 18446744073709551615ull}};
  EXPECT_EQ(OptionalInt(obj, "i", 0, 10), 5);
  EXPECT_EQ(OptionalInt(obj, "neg", -5, 0), -3);
  EXPECT_EQ(OptionalInt(obj, "absent", 0, 10), std::nullopt);
  for (const char* f : {"f", "b", "s", "big"}) {
    ApiError e = Catch([&] { OptionalInt(obj, f, 0, 10); });
    EXPECT_EQ(e.kind(), ErrorKind::kUnprocessable) << f;
    EXPECT_EQ(e.detail().rfind(std::string(f) + ": ", 0), 0u) << e.detail();
  }
  EXPECT_EQ(Catch([&] { OptionalInt(obj, "i", 6, 10); }).detail(), "i: must be an integer between 6 and 10");
  EXPECT_EQ(Catch([&] { OptionalInt(obj, "neg", 0, 10); }).kind(), ErrorKind::kUnprocessable);
}

TEST(HttpOptionalBoolAndObjectTest, TypesChecked) {
  json obj = {{"t", true}, {"o", {{"k", 1}}}, {"n", 1}};
  EXPECT_EQ(OptionalBool(obj, "t"), true);
  EXPECT_EQ(OptionalBool(obj, "x"), std::nullopt);
  EXPECT_EQ(Catch([&] { OptionalBool(obj, "n"); }).detail(), "n: must be a boolean");
  EXPECT_EQ((*OptionalObject(obj, "o"))["k"], 1);
  EXPECT_EQ(OptionalObject(obj, "x"), std::nullopt);
  EXPECT_EQ(Catch([&] { OptionalObject(obj, "t"); }).detail(), "t: must be an object");
}

TEST(HttpEnumTest, ListsAllowedValues) {
  json obj = {{"sev", "high"}, {"bad", "urgent"}, {"num", 3}};
  EXPECT_EQ(RequiredEnum(obj, "sev", {"low", "high"}), "high");
  ApiError e = Catch([&] { RequiredEnum(obj, "bad", {"low", "medium", "high"}); });
  EXPECT_EQ(e.kind(), ErrorKind::kUnprocessable);
  EXPECT_EQ(e.code(), "validation_error");
  EXPECT_EQ(e.detail(), "bad: must be one of: low, medium, high");
  EXPECT_EQ(Catch([&] { RequiredEnum(obj, "absent", {"a"}); }).detail().rfind("absent: field required", 0), 0u);
  EXPECT_EQ(Catch([&] { RequiredEnum(obj, "num", {"a"}); }).kind(), ErrorKind::kUnprocessable);
  EXPECT_EQ(OptionalEnum(obj, "absent", {"a"}), std::nullopt);
  EXPECT_EQ(OptionalEnum(obj, "sev", {"high"}), "high");
}

TEST(HttpQueryIntTest, DefaultsParsesAndRejects) {
  Request r;
  r.query = {{"limit", "25"}, {"neg", "-2"}, {"bad", "12abc"}, {"empty", ""}, {"huge", "99999999999999"}};
  EXPECT_EQ(QueryInt(r, "limit", 100, 1, 500), 25);
  EXPECT_EQ(QueryInt(r, "absent", 100, 1, 500), 100);
  EXPECT_EQ(QueryInt(r, "neg", 0, -5, 5), -2);
  for (const char* name : {"bad", "empty", "huge", "neg"}) {
    ApiError e = Catch([&] { QueryInt(r, name, 1, 1, 500); });
    EXPECT_EQ(e.kind(), ErrorKind::kUnprocessable) << name;
    EXPECT_EQ(e.code(), "validation_error");
    EXPECT_EQ(e.detail().rfind(std::string(name) + ": ", 0), 0u) << e.detail();
  }
}

TEST(HttpRequestTest, HeadersQueryAndPathParams) {
  Request r;
  r.headers = {{"Content-Type", "application/json"}, {"X-API-Key", "k1"}, {"x-api-key", "k2"}};
  r.query = {{"a", "1"}, {"a", "2"}};
  r.path_params = {{"id", "c1"}};
  EXPECT_EQ(r.Header("x-api-key"), "k1");
  EXPECT_TRUE(r.HasHeader("CONTENT-TYPE"));
  EXPECT_FALSE(r.HasHeader("Authorization"));
  EXPECT_EQ(r.Header("Authorization"), "");
  EXPECT_EQ(r.QueryParam("a"), "1");
  EXPECT_EQ(r.QueryParam("b"), std::nullopt);
  EXPECT_EQ(r.PathParam("id"), "c1");
  EXPECT_EQ(r.PathParam("nope"), "");
}

TEST(HttpRequestTest, PercentDecodingAndQueryParsing) {
  EXPECT_EQ(PercentDecode("a%20b+c", false), "a b+c");
  EXPECT_EQ(PercentDecode("a%20b+c", true), "a b c");
  EXPECT_EQ(PercentDecode("%e2%82%AC", false), "\xe2\x82\xac");
  EXPECT_EQ(PercentDecode("%", false), std::nullopt);
  EXPECT_EQ(PercentDecode("%4", false), std::nullopt);
  EXPECT_EQ(PercentDecode("%zz", false), std::nullopt);
  std::vector<std::pair<std::string, std::string>> q;
  ASSERT_TRUE(ParseQueryString("api_key=a%2Bb&flag&x=1+2&&y=", &q));
  ASSERT_EQ(q.size(), 4u);
  EXPECT_EQ(q[0], (std::pair<std::string, std::string>{"api_key", "a+b"}));
  EXPECT_EQ(q[1], (std::pair<std::string, std::string>{"flag", ""}));
  EXPECT_EQ(q[2], (std::pair<std::string, std::string>{"x", "1 2"}));
  EXPECT_EQ(q[3], (std::pair<std::string, std::string>{"y", ""}));
  EXPECT_FALSE(ParseQueryString("a=%G1", &q));
}

TEST(HttpResponseTest, JsonNeverThrowsOnBadUtf8) {
  Response r = Response::Json(201, {{"s", std::string("bad \xff byte")}});
  EXPECT_EQ(r.status, 201u);
  EXPECT_EQ(r.content_type, "application/json");
  EXPECT_NE(r.body.find("bad"), std::string::npos);
  EXPECT_EQ(Response::NoContent().status, 204u);
  EXPECT_TRUE(Response::NoContent().body.empty());
}

}  // namespace
}  // namespace aw::http
