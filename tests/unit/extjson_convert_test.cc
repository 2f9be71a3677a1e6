// Extended JSON (mongoexport) -> plain JSON (app/migrate_extjson.h), and the
// mapping of original documents to items (app/migrate.h).

#include <gtest/gtest.h>

#include "app/migrate.h"
#include "app/migrate_extjson.h"
#include "crypto/hash.h"
#include "crypto/secret_box.h"

namespace aw::app::migrate {
namespace {

using nlohmann::json;

TEST(ExtJsonConvert, Wrappers) {
  struct C { const char* in; json want; };
  const C cases[] = {
      {R"({"$oid":"65a1b2c3d4e5f60718293a4b"})", "65a1b2c3d4e5f60718293a4b"},
      {R"({"$date":"2024-01-15T10:30:00.000Z"})", "2024-01-15T10:30:00.000000Z"},
      {R"({"$date":"2024-01-15T10:30:00.123+02:00"})", "2024-01-15T08:30:00.123000Z"},
      {R"({"$date":{"$numberLong":"1705314600000"}})", "2024-01-15T10:30:00.000000Z"},
      {R"({"$date":{"$numberLong":"-1000"}})", "1969-12-31T23:59:59.000000Z"},
      {R"({"$date":1705314600123})", "2024-01-15T10:30:00.123000Z"},
      {R"({"$numberLong":"9007199254740993"})", json(int64_t{9007199254740993})},
      {R"({"$numberInt":"-7"})", -7},
      {R"({"$numberDouble":"1.5"})", 1.5},
      {R"({"$numberDouble":"NaN"})", nullptr},
      {R"({"$numberDouble":"-Infinity"})", nullptr},
      {R"({"$numberDecimal":"1.10"})", "1.10"},
      {R"({"$binary":{"base64":"AAE=","subType":"00"}})", "AAE="},
      {R"({"$timestamp":{"t":1705314600,"i":1}})", "2024-01-15T10:30:00.000000Z"},
      {R"({"$minKey":1})", nullptr},
      {R"("plain")", "plain"},
      {R"(12)", 12},
      {R"({"a":{"$numberInt":"1"},"b":[{"$oid":"x"},{"$date":{"$numberLong":"0"}}],"c":{"d":true}})",
       json::parse(R"({"a":1,"b":["x","1970-01-01T00:00:00.000000Z"],"c":{"d":true}})")},
      // Two keys: not a wrapper, converted member by member.
      {R"({"$oid":"x","other":1})", json::parse(R"({"$oid":"x","other":1})")},
  };
  for (const auto& c : cases) {
    auto r = FromExtendedJson(json::parse(c.in));
    ASSERT_TRUE(r.ok()) << c.in << ": " << r.status().message();
    EXPECT_EQ(*r, c.want) << c.in;
  }
}

TEST(ExtJsonConvert, MalformedWrappersNameThePath) {
  struct C { const char* in; const char* path; };
  const C cases[] = {
      {R"({"created_at":{"$date":"yesterday"}})", "created_at.$date"},
      {R"({"n":{"$numberLong":"12x"}})", "n.$numberLong"},
      {R"({"n":{"$numberLong":12}})", "n.$numberLong"},
      {R"({"n":{"$numberInt":"3000000000"}})", "n.$numberInt"},
      {R"({"x":[1,{"$oid":5}]})", "x[1].$oid"},
      {R"({"d":{"$numberDouble":"abc"}})", "d.$numberDouble"},
      {R"({"d":{"$date":{"$numberLong":"999999999999999999"}}})", "d.$date"},
  };
  for (const auto& c : cases) {
    auto r = FromExtendedJson(json::parse(c.in));
    ASSERT_FALSE(r.ok()) << c.in;
    EXPECT_EQ(r.status().message().rfind(c.path, 0), 0u) << c.in << " -> " << r.status().message();
  }
}

TEST(ExtJsonConvert, NormalizeDate) {
  EXPECT_EQ(NormalizeDate("2024-03-01T12:00:00.654321").value_or(""), "2024-03-01T12:00:00.654321Z");  // Python utcnow()
  EXPECT_EQ(NormalizeDate("2024-03-01T12:00:00+00:00").value_or(""), "2024-03-01T12:00:00.000000Z");
  EXPECT_EQ(NormalizeDate(json(0)).value_or(""), "1970-01-01T00:00:00.000000Z");
  EXPECT_FALSE(NormalizeDate("not a date").has_value());
  EXPECT_FALSE(NormalizeDate(json(true)).has_value());
  EXPECT_FALSE(NormalizeDate(json(nullptr)).has_value());
}

// Found by tests/fuzz/extjson_fuzz.cc (corpus regress_*): out-of-range numbers
// were cast or multiplied past int64 (undefined; UBSan aborts) or wrapped
// into a date in 1969.
TEST(ExtJsonConvert, DatesBeyondInt64AreRefusedNotWrapped) {
  EXPECT_FALSE(NormalizeDate(json(6.66667e+20)).has_value());
  EXPECT_FALSE(NormalizeDate(json(-1e300)).has_value());
  EXPECT_FALSE(NormalizeDate(json(uint64_t{18446744073709550616u})).has_value());  // -1000 if wrapped
  EXPECT_EQ(NormalizeDate(json(1705314600123.9)).value_or(""), "2024-01-15T10:30:00.123000Z");
  for (const char* in : {R"({"t":{"$timestamp":{"t":9223372036854775807,"i":1}}})",
                         R"({"t":{"$timestamp":{"t":18446744073709551615,"i":1}}})",
                         R"({"t":{"$timestamp":{"t":-9223372036854775807,"i":1}}})",
                         R"({"t":{"$date":18446744073709550616}})"}) {
    auto r = FromExtendedJson(json::parse(in));
    EXPECT_FALSE(r.ok()) << in << " -> " << (r.ok() ? r->dump() : "");
  }
}

class MigrateMap : public ::testing::Test {
 protected:
  void SetUp() override {
    auto box = crypto::SecretBox::FromKey(std::string(32, 'k'));
    ASSERT_TRUE(box.ok());
    box_ = std::make_unique<crypto::SecretBox>(std::move(box).value());
    ctx_.secrets = box_.get();
    ctx_.now_us = 1'764'000'000'000'000;
  }
  std::unique_ptr<crypto::SecretBox> box_;
  MapContext ctx_;
};

TEST_F(MigrateMap, UserKeepsIdAndBcryptHashAndClaimsTheEmail) {
  auto r = MapMongoDocument("users", json::parse(R"({"_id":{"$oid":"65a1"},"id":"u-1","email":"Ann@Example.com",
      "name":"Ann","role":"admin","company_ids":["c1"],"password_hash":"$2b$12$abc",
      "created_at":{"$date":"2024-01-02T03:04:05Z"},"favourite_colour":"green"})"), ctx_);
  ASSERT_TRUE(r.ok()) << r.status().message();
  ASSERT_EQ(r->size(), 2u);
  EXPECT_EQ((*r)[0].item["id"], "email#ann@example.com");
  EXPECT_EQ((*r)[0].owner_value, "u-1");
  const json& u = (*r)[1].item;
  EXPECT_EQ(u["id"], "u-1");
  EXPECT_EQ(u["mongo_id"], "65a1");
  EXPECT_EQ(u["email"], "ann@example.com");
  EXPECT_EQ(u["role"], "msp_admin");
  EXPECT_EQ(u["password_hash"], "$2b$12$abc");
  EXPECT_EQ(u["created_at"], "2024-01-02T03:04:05.000000Z");
  EXPECT_EQ(u["directory"], "users");
  EXPECT_EQ(u["favourite_colour"], "green");  // unknown fields are kept
}

TEST_F(MigrateMap, CompanyKeyIsHashedAndSealed) {
  auto r = MapMongoDocument("companies", json::parse(R"({"id":"c1","name":"Old Co","api_key":"aw_legacy_key_123",
      "assets":[{"id":"a1","name":"web-1","is_critical":true}]})"), ctx_);
  ASSERT_TRUE(r.ok()) << r.status().message();
  ASSERT_EQ(r->size(), 2u);
  EXPECT_EQ((*r)[0].item["config_type"], "asset#web-1");
  const json& c = (*r)[1].item;
  EXPECT_EQ(c["api_key"], crypto::Sha256Hex("aw_legacy_key_123"));
  EXPECT_EQ(c["api_key_prefix"], "aw_lega");
  EXPECT_FALSE(c.contains("assets"));
  auto opened = box_->Open(c["api_key_enc"].get<std::string>(), "c1");
  ASSERT_TRUE(opened.ok());
  EXPECT_EQ(*opened, "aw_legacy_key_123");
  EXPECT_EQ(c.dump().find("aw_legacy_key_123"), std::string::npos);
}

TEST_F(MigrateMap, BadDocumentsNameTheField) {
  struct C { const char* coll; const char* doc; const char* field; };
  const C cases[] = {
      {"users", R"({"id":"u","email":"a@b.c","role":"boss","password_hash":"$2b$x"})", "role"},
      {"users", R"({"id":"u","email":"a@b.c","password":"hunter2"})", "password_hash"},
      {"users", R"({"id":"u","password_hash":"$2b$x"})", "email"},
      {"alerts", R"({"id":"a1","message":"m"})", "company_id"},
      {"alerts", R"({"id":"a#1","company_id":"c"})", "id"},
      {"alerts", R"({"id":"a1","company_id":"c","timestamp":"soon"})", "timestamp"},
      {"incidents", R"({"id":"i1","company_id":"c","alert_ids":"a1"})", "alert_ids"},
      {"companies", R"({"id":"c9"})", "name"},
      {"chat_messages", R"({"id":"m1","message":"hi"})", "company_id"},
  };
  for (const auto& c : cases) {
    auto r = MapMongoDocument(c.coll, json::parse(c.doc), ctx_);
    ASSERT_FALSE(r.ok()) << c.doc;
    EXPECT_EQ(r.status().message().rfind(c.field, 0), 0u) << c.doc << " -> " << r.status().message();
  }
}

TEST_F(MigrateMap, IncidentGetsLocatorAndDefaults) {
  auto r = MapMongoDocument("incidents", json::parse(R"({"id":"i1","company_id":"c1","status":"open",
      "alert_ids":["a1","a2"],"signature":"disk_full","asset_name":"web","priority_score":80})"), ctx_);
  ASSERT_TRUE(r.ok()) << r.status().message();
  ASSERT_EQ(r->size(), 2u);
  EXPECT_EQ((*r)[0].item["owner"], "c1");
  const json& i = (*r)[1].item;
  EXPECT_EQ(i["status"], "new");
  EXPECT_EQ(i["original_status"], "open");
  EXPECT_EQ(i["alert_count"], 2);
  EXPECT_EQ(i["version"], 1);
  EXPECT_FALSE(i.contains("priority_score"));
  EXPECT_EQ(i["title"], "disk_full on web");
}

TEST_F(MigrateMap, WebhookSecretIsSealed) {
  auto r = MapMongoDocument("webhook_security_configs",
                            json::parse(R"({"company_id":"c1","hmac_secret":"s3cr3t","enabled":true})"), ctx_);
  ASSERT_TRUE(r.ok());
  const json& c = (*r)[0].item;
  EXPECT_EQ(c["config_type"], "webhook_security");
  EXPECT_FALSE(c.contains("hmac_secret"));
  EXPECT_EQ(*box_->Open(c["secret_enc"].get<std::string>(), "c1|webhook_security"), "s3cr3t");
}

}  // namespace
}  // namespace aw::app::migrate
