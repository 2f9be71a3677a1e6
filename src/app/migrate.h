#pragma once

// Data migration verbs (docs/migration.md):
//   alertwhisperer import-mongo DIR   mongoexport JSON Lines of the original
//                                     MongoDB collections -> the current store
//   alertwhisperer export [--out DIR] every table -> DIR/<Table>.jsonl
//   alertwhisperer import DIR         DIR/<Table>.jsonl -> the current store
//
// Everything goes through store::Store, so it works on RocksDB and DynamoDB
// alike. Every item is written whole by one put or not at all; imports use
// conditional puts (attribute_not_exists), so a re-run writes nothing twice
// and keeps what is already there. Bad lines are reported with file and
// line number and skipped. Not thread-safe (one run at a time).

#include <cstdint>
#include <map>
#include <ostream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "base/status.h"
#include "crypto/secret_box.h"
#include "store/store.h"

namespace aw::app::migrate {

struct FileReport {
  std::string file;
  int64_t lines = 0;     // non-empty lines read
  int64_t written = 0;   // items written now
  int64_t present = 0;   // items already in the store (re-run)
  int64_t bad = 0;       // lines skipped
};

struct Report {
  std::vector<FileReport> files;
  std::vector<std::string> problems;  // "<file>:<line>: <reason>", and files skipped
  int64_t bad_lines() const;
  void Print(std::ostream& out) const;
};

// What mapping a document needs besides the document.
struct MapContext {
  const crypto::SecretBox* secrets = nullptr;
  int64_t now_us = 0;
  int alert_ttl_days = 90;
  int audit_ttl_days = 365;
};

// One item to write, with the attribute whose absence the put requires.
struct WriteItem {
  std::string table;
  nlohmann::json item;
  std::string pk_attribute;
  // When set: if the item already exists, it must hold this attribute value
  // (an email claim of another user), else the line fails.
  std::string owner_attribute;
  std::string owner_value;
};

// The original collections, in import order (companies before their data).
const std::vector<std::string>& MongoCollections();

// Maps one document (already converted from Extended JSON) of `collection`
// to the items that represent it, in write order. InvalidArgument naming the
// field when the document cannot be mapped.
Result<std::vector<WriteItem>> MapMongoDocument(const std::string& collection, const nlohmann::json& doc,
                                                const MapContext& ctx);

// Reads DIR/<collection>.json or .jsonl for every known collection.
Result<Report> ImportMongo(store::Store* store, const MapContext& ctx, const std::string& dir);

// Writes DIR/<Table>.jsonl for every table (items as stored, expired ones excluded).
Result<Report> ExportTables(store::Store* store, const std::string& dir);
// Reads DIR/<Table>.jsonl for every table; conditional puts.
Result<Report> ImportTables(store::Store* store, const std::string& dir);

}  // namespace aw::app::migrate

namespace aw::app {
class App;
// The CLI verb: "import-mongo" | "export" | "import" on `dir`; prints the
// report. Exit code 0, 1 when lines were skipped, 2 when it could not run.
int RunMigrateVerb(const std::string& verb, const std::string& dir, App* app);
}  // namespace aw::app
