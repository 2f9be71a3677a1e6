#include "store/memory/memory_store.h"

#include "store/item_ops.h"

namespace aw::store {
namespace {

std::pair<std::string, std::string> RowKeyOf(const Key& key) { return {key.pk, key.sk.value_or("")}; }

}  // namespace

MemoryStore::MemoryStore(const aw::Clock* clock) : clock_(clock) {}
MemoryStore::~MemoryStore() = default;

Status MemoryStore::CreateTable(const TableSpec& spec) {
  if (auto s = ValidateTableSpec(spec); !s.ok()) return s;
  std::lock_guard lock(mu_);
  auto it = tables_.find(spec.name);
  if (it != tables_.end()) {
    Table& t = it->second;
    if (auto s = CheckRedefinition(*t.spec, spec); !s.ok()) return s;
    if (SameSpec(*t.spec, spec)) return Status::OK();
    // Indexes or TTL changed: rebuild every index from the rows.
    specs_.push_back(std::make_unique<TableSpec>(spec));
    t.spec = specs_.back().get();
    t.indexes.assign(spec.indexes.size(), {});
    for (const auto& [key, row] : t.rows) IndexLocked(t, key, row.item, true);
    return Status::OK();
  }
  specs_.push_back(std::make_unique<TableSpec>(spec));
  Table& t = tables_[spec.name];
  t.spec = specs_.back().get();
  t.indexes.resize(spec.indexes.size());
  return Status::OK();
}

const TableSpec* MemoryStore::FindTable(const std::string& name) const {
  std::lock_guard lock(mu_);
  auto it = tables_.find(name);
  return it == tables_.end() ? nullptr : it->second.spec;
}

Result<MemoryStore::Table*> MemoryStore::FindLocked(const std::string& name) {
  auto it = tables_.find(name);
  if (it == tables_.end()) return UnknownTable(name);
  return &it->second;
}

bool MemoryStore::Expired(const Table& t, const Item& item) const {
  return IsExpired(*t.spec, item, clock_->NowSeconds());
}

const MemoryStore::Row* MemoryStore::LiveLocked(const Table& t, const RowKey& key) const {
  auto it = t.rows.find(key);
  if (it == t.rows.end() || Expired(t, it->second.item)) return nullptr;
  return &it->second;
}

void MemoryStore::IndexLocked(Table& t, const RowKey& key, const Item& item, bool insert) {
  for (size_t i = 0; i < t.spec->indexes.size(); ++i) {
    auto ik = IndexKeyOf(t.spec->indexes[i], item);
    if (!ik) continue;
    IndexEntry e{std::move(ik->pk), std::move(ik->sk), key.first, key.second};
    if (insert) {
      t.indexes[i].insert(std::move(e));
    } else {
      t.indexes[i].erase(e);
    }
  }
}

void MemoryStore::WriteLocked(Table& t, const RowKey& key, Item item, size_t bytes) {
  auto it = t.rows.find(key);
  if (it != t.rows.end()) {
    IndexLocked(t, key, it->second.item, false);
    it->second = Row{std::move(item), bytes};
  } else {
    it = t.rows.emplace(key, Row{std::move(item), bytes}).first;
  }
  IndexLocked(t, key, it->second.item, true);
}

void MemoryStore::EraseLocked(Table& t, const RowKey& key) {
  auto it = t.rows.find(key);
  if (it == t.rows.end()) return;
  IndexLocked(t, key, it->second.item, false);
  t.rows.erase(it);
}

Result<Item> MemoryStore::GetItem(const GetRequest& req) {
  std::lock_guard lock(mu_);
  auto t = FindLocked(req.table);
  if (!t.ok()) return t.status();
  if (auto s = ValidateKey(*(*t)->spec, req.key); !s.ok()) return s;
  const Row* row = LiveLocked(**t, RowKeyOf(req.key));
  if (row == nullptr) return Status::NotFound("no such item in table " + req.table);
  return row->item;
}

Status MemoryStore::PutItem(const PutRequest& req) {
  std::lock_guard lock(mu_);
  auto t = FindLocked(req.table);
  if (!t.ok()) return t.status();
  const TableSpec& spec = *(*t)->spec;
  auto key = spec.KeyOf(req.item);
  if (!key.ok()) return key.status();
  if (auto s = ValidateCondition(req.condition); !s.ok()) return s;
  auto text = SerializeItem(spec, req.item);
  if (!text.ok()) return text.status();
  RowKey rk = RowKeyOf(*key);
  const Row* old = LiveLocked(**t, rk);
  if (!Evaluate(req.condition, old ? &old->item : nullptr)) return ConditionFalse("PutItem", req.table);
  WriteLocked(**t, rk, req.item, text->size());
  return Status::OK();
}

Status MemoryStore::DeleteItem(const DeleteRequest& req) {
  std::lock_guard lock(mu_);
  auto t = FindLocked(req.table);
  if (!t.ok()) return t.status();
  if (auto s = ValidateKey(*(*t)->spec, req.key); !s.ok()) return s;
  if (auto s = ValidateCondition(req.condition); !s.ok()) return s;
  RowKey rk = RowKeyOf(req.key);
  const Row* old = LiveLocked(**t, rk);
  if (!Evaluate(req.condition, old ? &old->item : nullptr)) return ConditionFalse("DeleteItem", req.table);
  EraseLocked(**t, rk);
  return Status::OK();
}

Result<Item> MemoryStore::UpdateItem(const UpdateRequest& req) {
  std::lock_guard lock(mu_);
  auto t = FindLocked(req.table);
  if (!t.ok()) return t.status();
  const TableSpec& spec = *(*t)->spec;
  if (auto s = ValidateKey(spec, req.key); !s.ok()) return s;
  if (auto s = ValidateUpdate(spec, req); !s.ok()) return s;
  RowKey rk = RowKeyOf(req.key);
  const Row* old = LiveLocked(**t, rk);
  if (!Evaluate(req.condition, old ? &old->item : nullptr)) return ConditionFalse("UpdateItem", req.table);
  auto item = ApplyUpdate(spec, req.key, old ? &old->item : nullptr, req.actions);
  if (!item.ok()) return item.status();
  auto text = SerializeItem(spec, *item);
  if (!text.ok()) return text.status();
  WriteLocked(**t, rk, *item, text->size());
  return item;
}

Result<std::vector<Item>> MemoryStore::BatchGetItem(const std::string& table, const std::vector<Key>& keys) {
  std::lock_guard lock(mu_);
  auto t = FindLocked(table);
  if (!t.ok()) return t.status();
  for (const auto& k : keys) {
    if (auto s = ValidateKey(*(*t)->spec, k); !s.ok()) return s;
  }
  std::set<RowKey> seen;
  std::vector<Item> out;
  for (const auto& k : keys) {
    RowKey rk = RowKeyOf(k);
    if (!seen.insert(rk).second) continue;
    if (const Row* row = LiveLocked(**t, rk)) out.push_back(row->item);
  }
  return out;
}

Status MemoryStore::BatchWriteItem(const WriteBatch& batch) {
  std::lock_guard lock(mu_);
  auto t = FindLocked(batch.table);
  if (!t.ok()) return t.status();
  const TableSpec& spec = *(*t)->spec;
  // Validate everything first: a bad request writes nothing.
  std::vector<std::pair<RowKey, size_t>> puts;
  for (const auto& item : batch.puts) {
    auto key = spec.KeyOf(item);
    if (!key.ok()) return key.status();
    auto text = SerializeItem(spec, item);
    if (!text.ok()) return text.status();
    puts.emplace_back(RowKeyOf(*key), text->size());
  }
  for (const auto& k : batch.deletes) {
    if (auto s = ValidateKey(spec, k); !s.ok()) return s;
  }
  for (size_t i = 0; i < puts.size(); ++i) WriteLocked(**t, puts[i].first, batch.puts[i], puts[i].second);
  for (const auto& k : batch.deletes) EraseLocked(**t, RowKeyOf(k));
  return Status::OK();
}

size_t MemoryStore::SweepExpired() {
  std::lock_guard lock(mu_);
  size_t n = 0;
  for (auto& [name, t] : tables_) {
    for (auto it = t.rows.begin(); it != t.rows.end();) {
      auto next = std::next(it);
      if (Expired(t, it->second.item)) {
        EraseLocked(t, it->first);
        ++n;
      }
      it = next;
    }
  }
  return n;
}

}  // namespace aw::store
