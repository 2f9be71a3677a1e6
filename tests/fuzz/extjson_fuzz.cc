// The MongoDB Extended JSON importer (app/migrate_extjson.h): one line of a
// `mongoexport` file, as `import-mongo` reads it, converted to plain JSON.
//
// Input: the line.
// Invariants: a malformed wrapper is an InvalidArgument naming its path,
// never a crash; converting what was converted changes nothing (no wrapper
// survives); every date comes out in the fixed 27-character ISO form that
// parses back to the same instant.

#include <cstddef>
#include <cstdint>
#include <string>

#include "app/migrate_extjson.h"
#include "base/time_format.h"
#include "fuzz_util.h"

namespace {

namespace migrate = aw::app::migrate;
using nlohmann::json;

void CheckDate(const json& v) {
  auto d = migrate::NormalizeDate(v);
  if (!d) return;
  FUZZ_CHECK(d->size() == 27, *d);
  auto us = aw::ParseIso8601(*d);
  FUZZ_CHECK(us && aw::FormatIso8601Micros(*us) == *d, *d);
  FUZZ_CHECK(migrate::NormalizeDate(json(*d)) == d, *d);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  json doc = json::parse(aw::fuzz::AsText(data, size), nullptr, /*allow_exceptions=*/false);
  if (doc.is_discarded()) return 0;
  CheckDate(doc);
  if (doc.is_object()) {
    for (const auto& [k, v] : doc.items()) CheckDate(v);
  }
  auto once = migrate::FromExtendedJson(doc);
  if (!once.ok()) {
    FUZZ_CHECK(once.status().code() == aw::Code::kInvalidArgument, once.status().ToString());
    return 0;
  }
  auto twice = migrate::FromExtendedJson(*once);
  FUZZ_CHECK(twice.ok(), twice.status().ToString() + " for " + once->dump());
  FUZZ_CHECK(*twice == *once, once->dump() + " became " + twice->dump());
  return 0;
}
