// DynamoDB's answers as the store reads them (store/dynamodb/): typed
// AttributeValues <-> items, DescribeTable answers, and error answers.
//
// Input: byte 0 chooses the mode, the rest is an answer's JSON:
//   0: an item as DynamoDB returns it ({"name": {"S": "x"}, ...});
//   1: an item as the store writes it (plain JSON), to typed and back;
//   2: a DescribeTable answer, compared with every table of the schema;
//   3: an error answer; bytes 1-2 are the HTTP status.
// Invariants: what FromAttributeMap reads, ToAttributeMap writes and reads
// back equal; what ToAttributeMap accepts reads back equal; an error answer
// is never OK, and a throttle is retryable.

#include <cstddef>
#include <cstdint>
#include <string>

#include "fuzz_util.h"
#include "store/dynamodb/attribute_value.h"
#include "store/dynamodb/dynamodb_client.h"
#include "store/dynamodb/dynamodb_schema.h"
#include "store/tables.h"

namespace {

namespace ddb = aw::store::dynamodb;
using nlohmann::json;

void TypedItem(const json& av) {
  auto item = ddb::FromAttributeMap(av);
  if (!item.ok()) return;
  auto typed = ddb::ToAttributeMap(*item);
  FUZZ_CHECK(typed.ok(), typed.status().ToString() + " for " + item->dump());
  auto back = ddb::FromAttributeMap(*typed);
  FUZZ_CHECK(back.ok() && *back == *item, item->dump() + " read back as " + typed->dump());
}

void PlainItem(const json& item) {
  auto typed = ddb::ToAttributeMap(item);
  if (!typed.ok()) return;
  auto back = ddb::FromAttributeMap(*typed);
  FUZZ_CHECK(back.ok(), back.status().ToString() + " for " + typed->dump());
  FUZZ_CHECK(*back == item, item.dump() + " read back as " + back->dump());
}

void DescribeTable(const json& answer) {
  auto d = ddb::ParseDescribeTable(answer);
  if (!d.ok()) return;
  (void)ddb::KeySchemaText(d->pk, d->sk);
  for (const auto& spec : aw::store::tables::All()) (void)ddb::Differences(spec, *d);
}

void ErrorAnswer(int http_status, std::string_view body) {
  std::string text(body);
  json answer = json::parse(text, nullptr, /*allow_exceptions=*/false);
  bool retryable = false, throttle = false;
  aw::Status s = ddb::StatusFromErrorAnswer(http_status, answer, text, &retryable, &throttle);
  FUZZ_CHECK(!s.ok(), "an error answer read as OK");
  FUZZ_CHECK(!throttle || retryable, s.ToString());
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 1) return 0;
  std::string_view rest = aw::fuzz::AsText(data + 1, size - 1);
  const int mode = data[0] % 4;
  if (mode == 3) {
    if (rest.size() < 2) return 0;
    int status = 400 + (static_cast<uint8_t>(rest[0]) << 8 | static_cast<uint8_t>(rest[1])) % 200;
    ErrorAnswer(status, rest.substr(2));
    return 0;
  }
  json j = json::parse(rest, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded()) return 0;
  if (mode == 0) {
    TypedItem(j);
    if (j.is_object() && j.contains("Items") && j["Items"].is_array()) {
      for (const auto& av : j["Items"]) TypedItem(av);  // a Query or Scan answer
    }
  } else if (mode == 1) {
    PlainItem(j);
  } else {
    DescribeTable(j);
  }
  return 0;
}
