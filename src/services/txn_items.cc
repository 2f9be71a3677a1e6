#include "services/txn_items.h"

#include "base/errors.h"

namespace aw::services {

std::string TxnItems::Id(const std::string& table, const store::Key& key) {
  std::string id = table;
  id += '\n';
  id += key.pk;
  id += '\n';
  if (key.sk) id += *key.sk;
  return id;
}

TxnItems::Entry& TxnItems::Load(const std::string& table, const store::Key& key) {
  auto [it, inserted] = entries_.try_emplace(Id(table, key));
  if (inserted) {
    it->second.table = table;
    auto r = txn_.Get(table, key);
    if (!r.ok()) {
      entries_.erase(it);
      ThrowIfError(r.status(), table);
    }
    it->second.item = std::move(*r);
  }
  return it->second;
}

nlohmann::json* TxnItems::Get(const std::string& table, const store::Key& key) {
  Entry& e = Load(table, key);
  return e.item ? &*e.item : nullptr;
}

nlohmann::json& TxnItems::Put(const std::string& table, const store::Key& key, nlohmann::json item) {
  // A new key needs no read: an absent entry is created without one.
  auto [it, inserted] = entries_.try_emplace(Id(table, key));
  Entry& e = it->second;
  if (inserted) e.table = table;
  e.item = std::move(item);
  if (!e.dirty) {
    e.dirty = true;
    dirty_.push_back(&e);
  }
  return *e.item;
}

void TxnItems::Touch(const std::string& table, const store::Key& key) {
  Entry& e = Load(table, key);
  if (!e.item || e.dirty) return;
  e.dirty = true;
  dirty_.push_back(&e);
}

std::optional<nlohmann::json> TxnItems::Take(const std::string& table, const store::Key& key) {
  auto it = entries_.find(Id(table, key));
  if (it == entries_.end() || !it->second.item || it->second.dirty) return std::nullopt;
  std::optional<nlohmann::json> out = std::move(it->second.item);
  it->second.item.reset();
  return out;
}

Status TxnItems::Flush() {
  for (Entry* e : dirty_) {
    if (Status s = txn_.Put(e->table, *e->item); !s.ok()) return s;
    e->dirty = false;
  }
  dirty_.clear();
  return Status::OK();
}

}  // namespace aw::services
