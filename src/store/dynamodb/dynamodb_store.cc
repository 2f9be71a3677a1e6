// DynamoStore: tables and single-item operations. Query, Scan and the batch
// operations are in dynamodb_read_ops.cc / dynamodb_batch_ops.cc.

#include "store/dynamodb/dynamodb_store.h"

#include <chrono>
#include <mutex>
#include <thread>

#include <spdlog/spdlog.h>

#include "store/dynamodb/dynamodb_schema.h"
#include "store/dynamodb/expressions.h"
#include "store/item_ops.h"

namespace aw::store {

using dynamodb::Json;

DynamoStore::DynamoStore(DynamoOptions options, const aw::Clock* clock, const clients::HttpClient* http)
    : options_(std::move(options)), clock_(clock), client_(options_.client, http) {}

DynamoStore::~DynamoStore() = default;

const TableSpec* DynamoStore::FindTable(const std::string& name) const {
  std::shared_lock lock(mu_);
  auto it = tables_.find(name);
  return it == tables_.end() ? nullptr : it->second;
}

Result<const TableSpec*> DynamoStore::Lookup(const std::string& name) const {
  const TableSpec* spec = FindTable(name);
  if (spec == nullptr) return UnknownTable(name);
  return spec;
}

Status DynamoStore::Annotate(const Status& s, const char* op, const TableSpec& spec) const {
  const std::string full = FullName(spec.name);
  switch (s.code()) {
    case Code::kNotFound:
      spdlog::error("DynamoDB table {} is missing (region {}, endpoint {})", full, options_.client.region,
                    client_.endpoint());
      return Status::NotFound("DynamoDB table " + full + " does not exist in region " + options_.client.region +
                              " (" + client_.endpoint() + "); create the tables with `alertwhisperer tables create`");
    case Code::kInvalidArgument: {
      const std::string& m = s.message();
      if (m.find("size") != std::string::npos && m.find("exceeded") != std::string::npos) {
        return Status::InvalidArgument(std::string(op) + " on table " + spec.name +
                                       ": the item exceeds the 400 KB item size limit (" + m + ")");
      }
      return Status::InvalidArgument("DynamoDB rejected " + std::string(op) + " on table " + full + ": " + m);
    }
    case Code::kThrottled:
      return Status::Throttled(std::string(op) + " on table " + full +
                               " is still throttled after retries: " + s.message());
    default:
      return s;
  }
}

Status DynamoStore::CheckIndexKeys(const TableSpec& spec, const Item& item) const {
  for (const auto& idx : spec.indexes) {
    for (const std::string* attr : {&idx.pk, idx.sk ? &*idx.sk : nullptr}) {
      if (attr == nullptr) continue;
      auto it = item.find(*attr);
      if (it == item.end()) continue;
      if (!it->is_string() || it->get_ref<const std::string&>().empty()) {
        return Status::InvalidArgument("attribute '" + *attr + "' is a key of index " + idx.name + " of table " +
                                       spec.name + " and must be a non-empty string on DynamoDB");
      }
    }
  }
  return Status::OK();
}

Result<Json> DynamoStore::KeyJson(const TableSpec& spec, const Key& key) const {
  if (Status s = ValidateKey(spec, key); !s.ok()) return s;
  Json k = {{spec.pk, {{"S", key.pk}}}};
  if (spec.sk) k[*spec.sk] = {{"S", *key.sk}};
  return k;
}

// ---- Tables

Status DynamoStore::WaitActive(const std::string& full_name) const {
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(options_.wait_active_seconds);
  int delay_ms = 20;
  while (true) {
    auto r = client_.Call("DescribeTable", {{"TableName", full_name}});
    if (!r.ok()) return r.status();
    auto d = dynamodb::ParseDescribeTable(*r);
    if (!d.ok()) return d.status();
    bool active = d->status == "ACTIVE";
    for (const auto& i : d->indexes) active = active && (i.status.empty() || i.status == "ACTIVE");
    if (active) return Status::OK();
    if (std::chrono::steady_clock::now() > deadline) {
      return Status::Unavailable("DynamoDB table " + full_name + " is not ACTIVE after " +
                                 std::to_string(options_.wait_active_seconds) + " s (status " + d->status + ")");
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(delay_ms));
    delay_ms = std::min(delay_ms * 2, 2000);
  }
}

Status DynamoStore::EnsureIndexes(const TableSpec& spec, const Json& table_desc) {
  const std::string full = FullName(spec.name);
  auto d = dynamodb::ParseDescribeTable(table_desc);
  if (!d.ok()) return d.status();
  for (const auto& idx : spec.indexes) {
    const dynamodb::DescribedIndex* found = nullptr;
    for (const auto& di : d->indexes) {
      if (di.name == idx.name) found = &di;
    }
    if (found != nullptr) {
      if (found->pk != idx.pk || found->sk != idx.sk) {
        return Status::AlreadyExists("index " + idx.name + " of DynamoDB table " + full + " has key " +
                                     dynamodb::KeySchemaText(found->pk, found->sk) + ", not " +
                                     dynamodb::KeySchemaText(idx.pk, idx.sk));
      }
      continue;
    }
    if (!options_.create_missing) {
      return Status::NotFound("DynamoDB table " + full + " in region " + options_.client.region +
                              " has no index " + idx.name +
                              "; add it with `alertwhisperer tables create`");
    }
    dynamodb::Capacity cap{options_.read_capacity, options_.write_capacity};
    if (d->billing_mode == "PAY_PER_REQUEST") cap = {};
    auto r = client_.Call("UpdateTable", dynamodb::CreateIndexRequest(spec, idx, full, cap));
    if (!r.ok()) return Status(r.status().code(), "cannot add index " + idx.name + " to " + full + ": " + r.status().message());
    auto after = client_.Call("DescribeTable", {{"TableName", full}});
    if (!after.ok()) return after.status();
    auto da = dynamodb::ParseDescribeTable(*after);
    if (!da.ok()) return da.status();
    bool present = false;
    for (const auto& di : da->indexes) present = present || di.name == idx.name;
    if (!present) {
      return Status::InvalidArgument("this DynamoDB server (" + client_.endpoint() +
                                     ") does not add a global secondary index to an existing table (" + full +
                                     ", index " + idx.name + "); recreate the table");
    }
    if (Status s = WaitActive(full); !s.ok()) return s;
  }
  return Status::OK();
}

Status DynamoStore::CreateTable(const TableSpec& spec) {
  if (Status s = ValidateTableSpec(spec); !s.ok()) return s;
  const std::string full = FullName(spec.name);
  auto desc = client_.Call("DescribeTable", {{"TableName", full}});
  if (!desc.ok() && desc.status().IsNotFound()) {
    if (!options_.create_missing) {
      return Status::NotFound("DynamoDB table " + full + " does not exist in region " + options_.client.region +
                              " (" + client_.endpoint() + "); create the tables with `alertwhisperer tables create`");
    }
    dynamodb::Capacity cap{options_.read_capacity, options_.write_capacity};
    auto created = client_.Call("CreateTable", dynamodb::CreateTableRequest(spec, full, cap));
    // Another process may have created it meanwhile: that is fine.
    if (!created.ok() && created.status().code() != Code::kAlreadyExists) {
      return Status(created.status().code(), "cannot create DynamoDB table " + full + ": " + created.status().message());
    }
    if (Status s = WaitActive(full); !s.ok()) return s;
    desc = client_.Call("DescribeTable", {{"TableName", full}});
  }
  if (!desc.ok()) return desc.status();
  auto d = dynamodb::ParseDescribeTable(*desc);
  if (!d.ok()) return d.status();
  if (d->pk != spec.pk || d->sk != spec.sk) {
    return Status::AlreadyExists("DynamoDB table " + full + " exists with key " +
                                 dynamodb::KeySchemaText(d->pk, d->sk) + ", not " +
                                 dynamodb::KeySchemaText(spec.pk, spec.sk));
  }
  if (d->status != "ACTIVE" && options_.create_missing) {
    if (Status s = WaitActive(full); !s.ok()) return s;
  }
  if (Status s = EnsureIndexes(spec, *desc); !s.ok()) return s;
  std::unique_lock lock(mu_);
  auto owned = std::make_unique<TableSpec>(spec);
  tables_[spec.name] = owned.get();
  all_versions_.push_back(std::move(owned));
  return Status::OK();
}

// ---- Single items

Result<Item> DynamoStore::GetRaw(const TableSpec& spec, const Key& key, bool consistent) {
  auto k = KeyJson(spec, key);
  if (!k.ok()) return k.status();
  auto r = client_.Call("GetItem", {{"TableName", FullName(spec.name)}, {"Key", *k}, {"ConsistentRead", consistent}});
  if (!r.ok()) return Annotate(r.status(), "GetItem", spec);
  auto it = r->find("Item");
  if (it == r->end() || !it->is_object()) return Item(nullptr);
  return dynamodb::FromAttributeMap(*it);
}

Result<Item> DynamoStore::GetItem(const GetRequest& req) {
  auto spec = Lookup(req.table);
  if (!spec.ok()) return spec.status();
  auto item = GetRaw(**spec, req.key, req.consistent);
  if (!item.ok()) return item.status();
  if (item->is_null() || IsExpired(**spec, *item, clock_->NowSeconds())) {
    return Status::NotFound("no item with that key in table " + req.table);
  }
  return item;
}

Status DynamoStore::PutItem(const PutRequest& req) {
  auto found = Lookup(req.table);
  if (!found.ok()) return found.status();
  const TableSpec& spec = **found;
  auto key = spec.KeyOf(req.item);
  if (!key.ok()) return key.status();
  if (auto text = SerializeItem(spec, req.item); !text.ok()) return text.status();
  if (Status s = ValidateCondition(req.condition); !s.ok()) return s;
  if (Status s = CheckIndexKeys(spec, req.item); !s.ok()) return s;
  auto av = dynamodb::ToAttributeMap(req.item);
  if (!av.ok()) return av.status();
  Json body = {{"TableName", FullName(spec.name)}, {"Item", std::move(*av)}};
  return ConditionalWrite("PutItem", spec, req.condition, std::move(body));
}

Status DynamoStore::DeleteItem(const DeleteRequest& req) {
  auto found = Lookup(req.table);
  if (!found.ok()) return found.status();
  const TableSpec& spec = **found;
  auto k = KeyJson(spec, req.key);
  if (!k.ok()) return k.status();
  if (Status s = ValidateCondition(req.condition); !s.ok()) return s;
  Json body = {{"TableName", FullName(spec.name)}, {"Key", *k}};
  return ConditionalWrite("DeleteItem", spec, req.condition, std::move(body));
}

Status DynamoStore::ConditionalWrite(const char* op, const TableSpec& spec, const Condition& condition, Json body) {
  dynamodb::ExpressionBuilder b;
  auto cond = spec.ttl_attribute
                  ? dynamodb::RenderConditionWithTtl(condition, *spec.ttl_attribute, clock_->NowSeconds(), &b)
                  : dynamodb::RenderCondition(condition, &b);
  if (!cond.ok()) return cond.status();
  if (!cond->empty()) body["ConditionExpression"] = *cond;
  b.AddTo(&body);
  auto r = client_.Call(op, body);
  if (r.ok()) return Status::OK();
  if (r.status().IsConditionFailed()) return ConditionFalse(op, spec.name);
  return Annotate(r.status(), op, spec);
}

Result<Item> DynamoStore::UpdateItem(const UpdateRequest& req) {
  auto found = Lookup(req.table);
  if (!found.ok()) return found.status();
  const TableSpec& spec = **found;
  auto k = KeyJson(spec, req.key);
  if (!k.ok()) return k.status();
  if (Status s = ValidateUpdate(spec, req); !s.ok()) return s;
  for (const auto& a : req.actions) {
    if (a.kind != UpdateAction::Kind::kSet && a.kind != UpdateAction::Kind::kSetIfNotExists) continue;
    Item probe = Item::object();
    probe[a.attribute] = a.value;
    if (Status s = CheckIndexKeys(spec, probe); !s.ok()) return s;
    if (a.value.is_string() && a.value.get_ref<const std::string&>().size() > kMaxItemBytes) {
      return ItemTooLarge(spec.name, a.value.get_ref<const std::string&>().size());
    }
    if (auto text = SerializeItem(spec, probe); !text.ok()) return text.status();
  }
  for (int attempt = 0; attempt < 5; ++attempt) {
    const int64_t now = clock_->NowSeconds();
    Json body = {{"TableName", FullName(spec.name)}, {"Key", *k}, {"ReturnValues", "ALL_NEW"}};
    dynamodb::ExpressionBuilder b;
    auto update = dynamodb::RenderUpdate(req.actions, &b);
    if (!update.ok()) return update.status();
    if (!update->empty()) body["UpdateExpression"] = *update;
    auto cond = dynamodb::RenderCondition(req.condition, &b);
    if (!cond.ok()) return cond.status();
    std::string expr = *cond;
    if (spec.ttl_attribute) {
      // An expired item is absent: the update must not build on it.
      auto live = dynamodb::RenderNotExpired(*spec.ttl_attribute, now, &b);
      if (!live.ok()) return live.status();
      expr = expr.empty() ? *live : *live + " AND " + expr;  // AND chains need no grouping
    }
    if (!expr.empty()) body["ConditionExpression"] = expr;
    b.AddTo(&body);
    auto r = client_.Call("UpdateItem", body);
    if (r.ok()) {
      auto attrs = r->find("Attributes");
      if (attrs == r->end()) {
        auto now_item = GetRaw(spec, req.key, /*consistent=*/true);
        if (!now_item.ok()) return now_item.status();
        return now_item->is_null() ? KeyItem(spec, req.key) : *now_item;
      }
      return dynamodb::FromAttributeMap(*attrs);
    }
    if (!r.status().IsConditionFailed()) return Annotate(r.status(), "UpdateItem", spec);
    if (!spec.ttl_attribute) return ConditionFalse("UpdateItem", spec.name);
    // Was it the caller's condition, or an expired item in the way?
    auto raw = GetRaw(spec, req.key, /*consistent=*/true);
    if (!raw.ok()) return raw.status();
    if (raw->is_null() || !IsExpired(spec, *raw, now)) {
      if (raw->is_null() && Evaluate(req.condition, nullptr)) continue;  // deleted meanwhile: retry
      return ConditionFalse("UpdateItem", spec.name);
    }
    if (!Evaluate(req.condition, nullptr)) return ConditionFalse("UpdateItem", spec.name);
    // Remove the expired item, only if it is still that expired item.
    Json del = {{"TableName", FullName(spec.name)}, {"Key", *k}};
    dynamodb::ExpressionBuilder db;
    auto old_ttl = db.Value((*raw)[*spec.ttl_attribute]);
    if (!old_ttl.ok()) return old_ttl.status();
    del["ConditionExpression"] = db.Name(*spec.ttl_attribute) + " = " + *old_ttl;
    db.AddTo(&del);
    auto d = client_.Call("DeleteItem", del);
    if (!d.ok() && !d.status().IsConditionFailed()) return Annotate(d.status(), "DeleteItem", spec);
  }
  return Status::Unavailable("UpdateItem on table " + spec.name + " kept meeting concurrent changes; retry");
}

}  // namespace aw::store
