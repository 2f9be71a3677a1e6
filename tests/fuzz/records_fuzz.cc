// The typed-record codecs (core/records.h): store item -> record -> item.
//
// Input: byte 0 chooses the record (Alert, Incident, CorrelationPointer,
// RepeatClaim); the rest is the item as JSON.
// Invariants: FromItem throws nothing but nlohmann::json::type_error (a
// modelled attribute of the wrong type); ToItem(FromItem(x)) keeps every
// attribute the record does not model exactly as it was; decoding and
// encoding again changes nothing (the codecs agree); what dumped still dumps.

#include <cstddef>
#include <cstdint>
#include <set>
#include <string>

#include "core/records.h"
#include "fuzz_util.h"

namespace {

using nlohmann::json;

// The attributes a record models: those of a default record's item, plus the
// ones written only when set.
template <class R>
std::set<std::string> Modelled(std::initializer_list<const char*> written_when_set) {
  std::set<std::string> out(written_when_set.begin(), written_when_set.end());
  const json item = R{}.ToItem();  // named: items() of a temporary would dangle
  for (const auto& [k, v] : item.items()) out.insert(k);
  return out;
}

template <class R>
void RoundTrip(const json& item, const std::set<std::string>& modelled) {
  json once;
  try {
    once = R::FromItem(item).ToItem();
  } catch (const json::type_error&) {
    return;  // the documented refusal of a wrongly typed attribute
  }
  FUZZ_CHECK(once.is_object(), once.dump());
  if (item.is_object()) {
    for (const auto& [k, v] : item.items()) {
      if (modelled.count(k)) continue;
      FUZZ_CHECK(once.contains(k) && once[k] == v, "attribute '" + k + "' was not kept");
    }
  }
  json twice = R::FromItem(once).ToItem();
  FUZZ_CHECK(twice == once, once.dump() + " became " + twice.dump());
  FUZZ_CHECK(!aw::fuzz::Dumps(item) || aw::fuzz::Dumps(once), "the item no longer dumps");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 1) return 0;
  json item = json::parse(aw::fuzz::AsText(data + 1, size - 1), nullptr, /*allow_exceptions=*/false);
  if (item.is_discarded()) return 0;
  using namespace aw::core;
  static const auto alert = Modelled<Alert>({"delivery_id", "asset_id", "correlated_incident_id", "ttl"});
  static const auto incident = Modelled<Incident>({});
  static const auto pointer = Modelled<CorrelationPointer>({"ttl", "pending_ids", "pending_severity", "pending_tools"});
  static const auto claim = Modelled<RepeatClaim>({"ttl"});
  switch (data[0] % 4) {
    case 0:
      RoundTrip<Alert>(item, alert);
      break;
    case 1:
      RoundTrip<Incident>(item, incident);
      break;
    case 2:
      RoundTrip<CorrelationPointer>(item, pointer);
      break;
    default:
      RoundTrip<RepeatClaim>(item, claim);
      break;
  }
  return 0;
}
