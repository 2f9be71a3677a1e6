#include "store/dynamodb/dynamodb_schema.h"

#include <set>

namespace aw::store::dynamodb {
namespace {

Json KeySchema(const std::string& pk, const std::optional<std::string>& sk) {
  Json ks = Json::array({{{"AttributeName", pk}, {"KeyType", "HASH"}}});
  if (sk) ks.push_back({{"AttributeName", *sk}, {"KeyType", "RANGE"}});
  return ks;
}

Json Throughput(Capacity c) { return {{"ReadCapacityUnits", c.read}, {"WriteCapacityUnits", c.write}}; }

Json IndexJson(const IndexSpec& idx, Capacity capacity) {
  Json j = {{"IndexName", idx.name},
            {"KeySchema", KeySchema(idx.pk, idx.sk)},
            {"Projection", {{"ProjectionType", "ALL"}}}};
  if (!capacity.on_demand()) j["ProvisionedThroughput"] = Throughput(capacity);
  return j;
}

// A string member of an answer, "" when absent or of another type (an answer
// is outside data: a wrong type must not throw; found by the fuzzer).
std::string Text(const Json& obj, const char* key) {
  if (!obj.is_object()) return {};
  auto it = obj.find(key);
  return it != obj.end() && it->is_string() ? it->get<std::string>() : std::string();
}

void ReadKeySchema(const Json& ks, std::string* pk, std::optional<std::string>* sk) {
  if (!ks.is_array()) return;
  for (const auto& k : ks) {
    std::string name = Text(k, "AttributeName");
    std::string type = Text(k, "KeyType");
    if (type == "HASH") *pk = name;
    if (type == "RANGE") *sk = name;
  }
}

Json Definitions(const TableSpec& spec, const std::vector<const IndexSpec*>& indexes) {
  std::set<std::string> attrs = {spec.pk};
  if (spec.sk) attrs.insert(*spec.sk);
  for (const IndexSpec* idx : indexes) {
    attrs.insert(idx->pk);
    if (idx->sk) attrs.insert(*idx->sk);
  }
  Json defs = Json::array();
  for (const auto& a : attrs) defs.push_back({{"AttributeName", a}, {"AttributeType", "S"}});
  return defs;
}

}  // namespace

std::string KeySchemaText(const std::string& pk, const std::optional<std::string>& sk) {
  return "(" + pk + " HASH" + (sk ? ", " + *sk + " RANGE" : std::string()) + ")";
}

Json CreateTableRequest(const TableSpec& spec, const std::string& full_name, Capacity capacity) {
  std::vector<const IndexSpec*> all;
  for (const auto& idx : spec.indexes) all.push_back(&idx);
  Json req = {{"TableName", full_name},
              {"KeySchema", KeySchema(spec.pk, spec.sk)},
              {"AttributeDefinitions", Definitions(spec, all)}};
  if (capacity.on_demand()) {
    req["BillingMode"] = "PAY_PER_REQUEST";
  } else {
    req["BillingMode"] = "PROVISIONED";
    req["ProvisionedThroughput"] = Throughput(capacity);
  }
  if (!spec.indexes.empty()) {
    Json gsis = Json::array();
    for (const auto& idx : spec.indexes) gsis.push_back(IndexJson(idx, capacity));
    req["GlobalSecondaryIndexes"] = std::move(gsis);
  }
  return req;
}

Json CreateIndexRequest(const TableSpec& spec, const IndexSpec& index, const std::string& full_name,
                        Capacity capacity) {
  return {{"TableName", full_name},
          {"AttributeDefinitions", Definitions(spec, {&index})},
          {"GlobalSecondaryIndexUpdates", Json::array({{{"Create", IndexJson(index, capacity)}}})}};
}

Result<DescribedTable> ParseDescribeTable(const Json& answer) {
  auto t = answer.find("Table");
  if (t == answer.end() || !t->is_object()) return Status::Internal("DescribeTable answered without a Table");
  DescribedTable d;
  d.name = Text(*t, "TableName");
  d.status = Text(*t, "TableStatus");
  if (auto ks = t->find("KeySchema"); ks != t->end()) ReadKeySchema(*ks, &d.pk, &d.sk);
  if (auto ic = t->find("ItemCount"); ic != t->end() && ic->is_number_integer()) d.item_count = ic->get<int64_t>();
  d.billing_mode = "PROVISIONED";
  if (auto b = t->find("BillingModeSummary"); b != t->end()) {
    if (std::string mode = Text(*b, "BillingMode"); !mode.empty()) d.billing_mode = std::move(mode);
  }
  if (auto g = t->find("GlobalSecondaryIndexes"); g != t->end() && g->is_array()) {
    for (const auto& i : *g) {
      if (!i.is_object()) continue;
      DescribedIndex di;
      di.name = Text(i, "IndexName");
      di.status = Text(i, "IndexStatus");
      if (auto ks = i.find("KeySchema"); ks != i.end()) ReadKeySchema(*ks, &di.pk, &di.sk);
      d.indexes.push_back(std::move(di));
    }
  }
  return d;
}

std::vector<std::string> Differences(const TableSpec& spec, const DescribedTable& found) {
  std::vector<std::string> out;
  if (found.pk != spec.pk || found.sk != spec.sk) {
    out.push_back("key schema is " + KeySchemaText(found.pk, found.sk) + ", expected " +
                  KeySchemaText(spec.pk, spec.sk));
  }
  for (const auto& idx : spec.indexes) {
    const DescribedIndex* match = nullptr;
    for (const auto& di : found.indexes) {
      if (di.name == idx.name) match = &di;
    }
    if (match == nullptr) {
      out.push_back("index " + idx.name + " " + KeySchemaText(idx.pk, idx.sk) + " is missing");
    } else if (match->pk != idx.pk || match->sk != idx.sk) {
      out.push_back("index " + idx.name + " has key " + KeySchemaText(match->pk, match->sk) + ", expected " +
                    KeySchemaText(idx.pk, idx.sk));
    }
  }
  return out;
}

}  // namespace aw::store::dynamodb
