#include "store/rocksdb/rocks_tables.h"

#include <memory>

#include "store/item_ops.h"
#include "store/rocksdb/rocks_keys.h"

namespace aw::store::rocks {

namespace {

nlohmann::json ToJson(const RTable& t) {
  nlohmann::json j = {{"name", t.spec.name}, {"pk", t.spec.pk}, {"id", t.id}};
  if (t.spec.sk) j["sk"] = *t.spec.sk;
  if (t.spec.ttl_attribute) j["ttl"] = *t.spec.ttl_attribute;
  j["indexes"] = nlohmann::json::array();
  for (size_t i = 0; i < t.spec.indexes.size(); ++i) {
    const IndexSpec& x = t.spec.indexes[i];
    nlohmann::json ij = {{"name", x.name}, {"pk", x.pk}, {"id", t.index_ids[i]}};
    if (x.sk) ij["sk"] = *x.sk;
    j["indexes"].push_back(std::move(ij));
  }
  return j;
}

Result<RTablePtr> FromJson(const std::string& text) {
  auto j = nlohmann::json::parse(text, nullptr, false);
  if (j.is_discarded() || !j.is_object())
    return Status::Internal("a stored table definition is not valid JSON");
  try {
    auto t = std::make_shared<RTable>();
    t->spec.name = j.at("name").get<std::string>();
    t->spec.pk = j.at("pk").get<std::string>();
    if (j.contains("sk")) t->spec.sk = j["sk"].get<std::string>();
    if (j.contains("ttl")) t->spec.ttl_attribute = j["ttl"].get<std::string>();
    t->id = j.at("id").get<uint32_t>();
    for (const auto& ij : j.at("indexes")) {
      IndexSpec x{ij.at("name").get<std::string>(), ij.at("pk").get<std::string>(), std::nullopt};
      if (ij.contains("sk")) x.sk = ij["sk"].get<std::string>();
      t->spec.indexes.push_back(std::move(x));
      t->index_ids.push_back(ij.at("id").get<uint32_t>());
    }
    return RTablePtr(std::move(t));
  } catch (const nlohmann::json::exception& e) {
    return Status::Internal(std::string("a stored table definition is malformed: ") + e.what());
  }
}

Result<uint32_t> NextId(WriterContext& ctx) {
  std::string value;
  rocksdb::Status s =
      ctx.batch().GetFromBatchAndDB(&ctx.db(), rocksdb::ReadOptions(), std::string(1, kCounterTag), &value);
  uint32_t next = 1;
  if (s.ok()) {
    next = static_cast<uint32_t>(std::stoul(value));
  } else if (!s.IsNotFound()) {
    return FromRocks(s, "cannot read the id counter");
  }
  ctx.batch().Put(std::string(1, kCounterTag), std::to_string(next + 1));
  return next;
}

// Deletes every key starting with `prefix` (rare: a dropped GSI, a changed
// TTL attribute).
Status DeletePrefix(WriterContext& ctx, const std::string& prefix) {
  std::string end = PrefixEnd(prefix);
  rocksdb::Slice upper(end);
  rocksdb::ReadOptions ro;
  ro.iterate_upper_bound = &upper;
  std::unique_ptr<rocksdb::Iterator> it(ctx.db().NewIterator(ro));
  for (it->Seek(prefix); it->Valid(); it->Next()) ctx.batch().Delete(it->key());
  return FromRocks(it->status(), "cannot clear an index");
}

}  // namespace

Result<std::vector<RTablePtr>> LoadTables(rocksdb::DB& db) {
  std::vector<RTablePtr> out;
  std::string prefix(1, kMetaTag), end = PrefixEnd(prefix);
  rocksdb::Slice upper(end);
  rocksdb::ReadOptions ro;
  ro.iterate_upper_bound = &upper;
  std::unique_ptr<rocksdb::Iterator> it(db.NewIterator(ro));
  for (it->Seek(prefix); it->Valid(); it->Next()) {
    auto t = FromJson(it->value().ToString());
    if (!t.ok()) return t.status();
    out.push_back(std::move(*t));
  }
  if (auto s = FromRocks(it->status(), "cannot read the table definitions"); !s.ok()) return s;
  return out;
}

Result<RTablePtr> DefineTable(WriterContext& ctx, const RTable* old, const TableSpec& spec) {
  auto t = std::make_shared<RTable>();
  t->spec = spec;
  if (old != nullptr) {
    t->id = old->id;
  } else {
    auto id = NextId(ctx);
    if (!id.ok()) return id.status();
    t->id = *id;
  }
  std::vector<size_t> fresh;  // positions of indexes to back-fill
  for (size_t i = 0; i < spec.indexes.size(); ++i) {
    uint32_t id = 0;
    if (old != nullptr) {
      for (size_t j = 0; j < old->spec.indexes.size(); ++j) {
        if (SameIndex(old->spec.indexes[j], spec.indexes[i])) id = old->index_ids[j];
      }
    }
    if (id == 0) {
      auto next = NextId(ctx);
      if (!next.ok()) return next.status();
      id = *next;
      fresh.push_back(i);
    }
    t->index_ids.push_back(id);
  }
  bool ttl_changed = old != nullptr && old->spec.ttl_attribute != spec.ttl_attribute;
  if (old != nullptr) {
    for (uint32_t id : old->index_ids) {
      bool kept = false;
      for (uint32_t now_id : t->index_ids) kept = kept || now_id == id;
      if (kept) continue;
      if (auto s = DeletePrefix(ctx, IdPrefix(kIndexTag, id)); !s.ok()) return s;
    }
    if (ttl_changed) {
      if (auto s = DeletePrefix(ctx, IdPrefix(kTtlTag, t->id)); !s.ok()) return s;
    }
  }
  if (old != nullptr && (!fresh.empty() || ttl_changed)) {
    // Back-fill from the table's items, with a view of the new definition
    // holding only what is new.
    RTable partial;
    partial.spec = spec;
    partial.id = t->id;
    partial.spec.indexes.clear();
    if (!ttl_changed) partial.spec.ttl_attribute.reset();
    for (size_t i : fresh) {
      partial.spec.indexes.push_back(spec.indexes[i]);
      partial.index_ids.push_back(t->index_ids[i]);
    }
    std::string prefix = IdPrefix(kItemTag, t->id), end = PrefixEnd(prefix);
    rocksdb::Slice upper(end);
    rocksdb::ReadOptions ro;
    ro.iterate_upper_bound = &upper;
    std::unique_ptr<rocksdb::Iterator> it(ctx.db().NewIterator(ro));
    for (it->Seek(prefix); it->Valid(); it->Next()) {
      Item item = Item::parse(it->value().ToString(), nullptr, false);
      if (item.is_discarded()) return Status::Internal("stored item of " + spec.name + " is not valid JSON");
      auto key = spec.KeyOf(item);
      if (!key.ok()) return key.status();
      ctx.IndexEntries(partial, *key, item, /*remove=*/false);
    }
    if (auto s = FromRocks(it->status(), "cannot back-fill " + spec.name); !s.ok()) return s;
  }
  ctx.batch().Put(MetaKey(spec.name), ToJson(*t).dump());
  return RTablePtr(std::move(t));
}

}  // namespace aw::store::rocks
