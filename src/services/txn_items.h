#pragma once

// TxnItems: the items one atomic unit of an embedded store (store::AtomicTxn)
// reads and changes, each read at most once and written at most once.
//
// Get() loads an item through the unit on first use and keeps it; callers
// change the kept copy in place and Touch() it, or Put() a new one. Flush()
// writes every touched item once, in the order first touched. Used on the
// unit's thread only. Errors of the store throw ApiError (so the unit fails
// as a whole and writes nothing).

#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include <nlohmann/json.hpp>

#include "store/store.h"

namespace aw::services {

class TxnItems {
 public:
  explicit TxnItems(store::AtomicTxn& txn) : txn_(txn) {}

  // The item, nullptr when absent. The pointer stays valid until Flush.
  nlohmann::json* Get(const std::string& table, const store::Key& key);
  // Replaces (or creates) the item; written by Flush.
  nlohmann::json& Put(const std::string& table, const store::Key& key, nlohmann::json item);
  // The item got by Get was changed in place: write it at Flush.
  void Touch(const std::string& table, const store::Key& key);
  Status Flush();
  // After Flush: moves a kept item out (nullopt when absent, not kept, or
  // changed since the last Flush), so what the unit announces after its
  // writes is not copied. The unit must not Get that item again.
  std::optional<nlohmann::json> Take(const std::string& table, const store::Key& key);

 private:
  struct Entry {
    std::string table;
    std::optional<nlohmann::json> item;
    bool dirty = false;
  };
  static std::string Id(const std::string& table, const store::Key& key);
  Entry& Load(const std::string& table, const store::Key& key);

  store::AtomicTxn& txn_;
  std::unordered_map<std::string, Entry> entries_;
  std::vector<Entry*> dirty_;  // in the order first touched
};

}  // namespace aw::services
