#include "http/error_mapping.h"

#include <stdexcept>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "base/error_ptr.h"

namespace aw::http {
namespace {

using nlohmann::json;

std::string RetryAfter(const Response& r) {
  for (const auto& [k, v] : r.headers) {
    if (k == "Retry-After") return v;
  }
  return "";
}

Response Map(ErrorKind kind, int retry_after = 0) {
  return ResponseForException(std::make_exception_ptr(ApiError(kind, "some_code", "the detail", retry_after)),
                              "rid");
}

TEST(HttpErrorMappingTest, EachKindHasItsStatus) {
  struct Case {
    ErrorKind kind;
    unsigned status;
  } cases[] = {{ErrorKind::kBadRequest, 400},      {ErrorKind::kUnauthenticated, 401},
               {ErrorKind::kForbidden, 403},       {ErrorKind::kNotFound, 404},
               {ErrorKind::kConflict, 409},        {ErrorKind::kPayloadTooLarge, 413},
               {ErrorKind::kUnprocessable, 422},   {ErrorKind::kTooManyRequests, 429},
               {ErrorKind::kUnavailable, 503},     {ErrorKind::kInternal, 500}};
  for (const auto& c : cases) {
    Response r = Map(c.kind);
    EXPECT_EQ(r.status, c.status);
    EXPECT_EQ(r.content_type, "application/json");
    if (c.status != 500) {
      EXPECT_EQ(json::parse(r.body), json({{"detail", "the detail"}, {"code", "some_code"}})) << c.status;
    }
    EXPECT_EQ(RetryAfter(r), "") << c.status;
  }
}

TEST(HttpErrorMappingTest, RetryAfterOnlyFor429And503WhenSet) {
  EXPECT_EQ(RetryAfter(Map(ErrorKind::kTooManyRequests, 7)), "7");
  EXPECT_EQ(RetryAfter(Map(ErrorKind::kUnavailable, 2)), "2");
  EXPECT_EQ(RetryAfter(Map(ErrorKind::kConflict, 5)), "");
}

TEST(HttpErrorMappingTest, InternalErrorsHideTheirText) {
  Response api = ResponseForException(
      std::make_exception_ptr(ApiError(ErrorKind::kInternal, "internal_error", "rocksdb: IO error at /secret")), "r");
  EXPECT_EQ(api.status, 500u);
  EXPECT_EQ(json::parse(api.body), json({{"detail", "internal error"}, {"code", "internal_error"}}));

  Response other = ResponseForException(std::make_exception_ptr(std::runtime_error("token=abc")), "r");
  EXPECT_EQ(other.status, 500u);
  EXPECT_EQ(json::parse(other.body), json({{"detail", "internal error"}, {"code", "internal_error"}}));

  Response weird = ResponseForException(std::make_exception_ptr(42), "r");
  EXPECT_EQ(weird.status, 500u);
}

// The answer to a request whose handler called ThrowIfError(s, "company").
Response AnswerAfterThrowIfError(const Status& s) {
  try {
    ThrowIfError(s, "company");
  } catch (...) {
    return ResponseForException(std::current_exception(), "r");
  }
  return Response::NoContent();
}

TEST(HttpErrorMappingTest, StoreStatusesGoThroughThrowIfError) {
  auto map = AnswerAfterThrowIfError;
  EXPECT_EQ(map(Status::NotFound("x")).status, 404u);
  EXPECT_EQ(map(Status::ConditionFailed("x")).status, 409u);
  Response throttled = map(Status::Throttled("x"));
  EXPECT_EQ(throttled.status, 503u);
  EXPECT_EQ(RetryAfter(throttled), "1");
  Response internal = map(Status::Internal("secret detail"));
  EXPECT_EQ(internal.status, 500u);
  EXPECT_EQ(internal.body.find("secret"), std::string::npos);
}

TEST(HttpErrorMappingTest, ErrorPtrAnswersExactlyAsThrowIfError) {
  for (const Status& s : {Status::NotFound("x"), Status::ConditionFailed("x"), Status::AlreadyExists("x"),
                          Status::InvalidArgument("bad x"), Status::Throttled("x"), Status::Unavailable("x"),
                          Status::Internal("secret detail")}) {
    Response a = AnswerAfterThrowIfError(s);
    Response b = ResponseForException(ErrorPtr(s, "company"), "r");
    EXPECT_EQ(b.status, a.status) << s.ToString();
    EXPECT_EQ(b.body, a.body) << s.ToString();
    EXPECT_EQ(RetryAfter(b), RetryAfter(a)) << s.ToString();
  }
  EXPECT_EQ(ErrorPtr(Status::OK(), "company"), nullptr);
  Response direct = ResponseForException(
      ErrorPtr(ApiError(ErrorKind::kUnavailable, "shutting_down", "the server is shutting down; retry", 2)), "r");
  EXPECT_EQ(direct.status, 503u);
  EXPECT_EQ(RetryAfter(direct), "2");
  EXPECT_NE(direct.body.find("shutting_down"), std::string::npos);
}

TEST(HttpErrorMappingTest, JsonExceptionsAreBadRequests) {
  try {
    json(1).get<std::string>();
    FAIL() << "expected a type_error";
  } catch (...) {
    Response r = ResponseForException(std::current_exception(), "r");
    EXPECT_EQ(r.status, 400u);
    json b = json::parse(r.body);
    EXPECT_EQ(b["code"], "bad_request");
    EXPECT_EQ(b["detail"].get<std::string>().find("[json.exception"), std::string::npos);
  }
}

TEST(HttpErrorMappingTest, ErrorResponseShape) {
  Response r = ErrorResponse(418, "teapot", "short and \"stout\"");
  EXPECT_EQ(r.status, 418u);
  EXPECT_EQ(json::parse(r.body), json({{"detail", "short and \"stout\""}, {"code", "teapot"}}));
}

}  // namespace
}  // namespace aw::http
