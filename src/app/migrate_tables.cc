// export / import: every table as JSON Lines, one file per table, items as stored.

#include <filesystem>
#include <fstream>

#include "app/migrate.h"
#include "store/tables.h"

namespace aw::app::migrate {

namespace fs = std::filesystem;
using nlohmann::json;

Result<Report> ExportTables(store::Store* store, const std::string& dir) {
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec) return Status::InvalidArgument("cannot create directory " + dir + ": " + ec.message());
  Report report;
  for (const auto& spec : store::tables::All()) {
    const fs::path path = fs::path(dir) / (spec.name + ".jsonl");
    const fs::path tmp = fs::path(dir) / (spec.name + ".jsonl.tmp");
    std::ofstream out(tmp, std::ios::trunc);
    if (!out) return Status::InvalidArgument("cannot write " + tmp.string());
    FileReport fr;
    fr.file = path.filename().string();
    store::ScanRequest scan;
    scan.table = spec.name;
    do {
      auto page = store->Scan(scan);
      if (!page.ok()) return Status(page.status().code(), "cannot read table " + spec.name + ": " + page.status().message());
      for (const auto& item : page->items) {
        out << item.dump(-1, ' ', false, json::error_handler_t::replace) << '\n';
        ++fr.lines;
        ++fr.written;
      }
      scan.page_token = page->next_page_token;
    } while (!scan.page_token.empty());
    out.flush();
    if (!out) return Status::InvalidArgument("cannot write " + tmp.string());
    out.close();
    fs::rename(tmp, path, ec);
    if (ec) return Status::InvalidArgument("cannot write " + path.string() + ": " + ec.message());
    report.files.push_back(fr);
  }
  return report;
}

Result<Report> ImportTables(store::Store* store, const std::string& dir) {
  std::error_code ec;
  if (!fs::is_directory(dir, ec)) return Status::InvalidArgument("directory " + dir + " does not exist");
  Report report;
  for (const auto& spec : store::tables::All()) {
    const fs::path path = fs::path(dir) / (spec.name + ".jsonl");
    if (!fs::exists(path, ec)) continue;
    std::ifstream in(path);
    FileReport fr;
    fr.file = path.filename().string();
    std::string line;
    int64_t n = 0;
    while (std::getline(in, line)) {
      ++n;
      if (line.find_first_not_of(" \t\r") == std::string::npos) continue;
      ++fr.lines;
      auto fail = [&](const std::string& why) {
        ++fr.bad;
        report.problems.push_back(fr.file + ":" + std::to_string(n) + ": " + why);
      };
      json item = json::parse(line, nullptr, /*allow_exceptions=*/false);
      if (!item.is_object()) {
        fail("not a JSON object");
        continue;
      }
      if (auto key = spec.KeyOf(item); !key.ok()) {
        fail(key.status().message());
        continue;
      }
      Status s = store->PutItem({spec.name, item, store::Condition::ItemNotExists(spec.pk)});
      if (s.ok()) {
        ++fr.written;
      } else if (s.IsConditionFailed()) {
        ++fr.present;
      } else {
        fail("cannot write: " + s.message());
      }
    }
    report.files.push_back(fr);
  }
  if (report.files.empty()) {
    // A wrong directory must not look like a successful import of nothing.
    return Status::InvalidArgument("no table file in " + dir +
                                   ": expected <Table>.jsonl as written by export, e.g. Companies.jsonl");
  }
  if (Status s = store->Sync(); !s.ok()) return s;
  return report;
}

}  // namespace aw::app::migrate
