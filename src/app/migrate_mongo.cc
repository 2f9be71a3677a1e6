// import-mongo: reads mongoexport JSON Lines and writes the mapped items.

#include <filesystem>
#include <fstream>
#include <set>

#include <spdlog/spdlog.h>

#include "app/migrate.h"
#include "core/correlation.h"
#include "core/incident_status.h"
#include "services/incidents/incident_items.h"
#include "store/tables.h"

namespace aw::app::migrate {

namespace fs = std::filesystem;
namespace t = store::tables;
using nlohmann::json;

int64_t Report::bad_lines() const {
  int64_t n = 0;
  for (const auto& f : files) n += f.bad;
  return n;
}

void Report::Print(std::ostream& out) const {
  for (const auto& p : problems) out << p << "\n";
  for (const auto& f : files) {
    out << f.file << ": " << f.lines << " lines, " << f.written << " items written, " << f.present
        << " already present, " << f.bad << " bad lines skipped\n";
  }
}

namespace {

// Writes the items of one line in order. Returns "" or the reason the line
// stopped (items before it stay: each is whole, and a re-run completes the rest).
std::string WriteLine(store::Store* store, const std::vector<WriteItem>& items, FileReport* fr) {
  for (const auto& w : items) {
    Status s = store->PutItem({w.table, w.item, store::Condition::ItemNotExists(w.pk_attribute)});
    if (s.ok()) {
      ++fr->written;
      continue;
    }
    if (!s.IsConditionFailed()) return "cannot write to " + w.table + ": " + s.message();
    if (!w.owner_attribute.empty()) {
      const auto* spec = store->FindTable(w.table);
      if (spec == nullptr) return "unknown table " + w.table;
      auto key = spec->KeyOf(w.item);
      if (!key.ok()) return key.status().message();
      auto existing = store->GetItem({w.table, *key});
      if (existing.ok() && existing->value(w.owner_attribute, "") != w.owner_value) {
        return w.table + " item " + key->pk + (key->sk ? "/" + *key->sk : "") + " already belongs to " +
               existing->value(w.owner_attribute, "") + " (not " + w.owner_value + ")";
      }
    }
    ++fr->present;
  }
  return "";
}

// Alerts of an imported incident point back at it (the correlated_incident_id
// GSI is how an incident lists its alerts), unless they already do.
void LinkAlerts(store::Store* store, const json& incident) {
  const std::string cid = incident.value("company_id", "");
  const std::string id = incident.value("id", "");
  for (const auto& a : incident.value("alert_ids", json::array())) {
    if (!a.is_string()) continue;
    store::UpdateRequest u;
    u.table = t::kAlerts;
    u.key = {cid, a.get<std::string>()};
    u.condition.Exists("company_id").NotExists("correlated_incident_id");
    u.Set("correlated_incident_id", id);
    Status s = store->UpdateItem(u).status();
    if (!s.ok() && !s.IsConditionFailed()) spdlog::warn("cannot link alert {} to incident {}: {}", a.dump(), id, s.message());
  }
}

// An imported open incident becomes the correlation target of its key
// (docs/correlation.md): the pointer item the intake reads, keyed by the
// company's aggregation key (its correlation config, imported before the
// incidents, or the default). Written only if the key has no pointer, or its
// pointer names no open incident newer than this one, with a condition on
// the pointer's version, so a live intake is never overwritten blindly. The
// intake's sliding window still applies: an incident whose last alert is
// older than time_window_minutes takes no alert, the next one opens anew.
void PointCorrelation(store::Store* store, const json& incident) {
  const std::string cid = incident.value("company_id", "");
  const std::string id = incident.value("id", "");
  if (!core::IsOpenStatus(incident.value("status", ""))) return;
  core::CorrelationConfig cfg;
  auto stored = store->GetItem({t::kCompanyConfigs, {cid, "correlation"}});
  if (stored.ok()) {
    const json& c = *stored;
    if (c.contains("aggregation_key") && c["aggregation_key"].is_string()) {
      cfg.aggregation_key =
          core::ParseAggregationKey(c["aggregation_key"].get<std::string>()).value_or(cfg.aggregation_key);
    }
  }
  auto str = [&](const char* k) {
    return incident.contains(k) && incident[k].is_string() ? incident[k].get<std::string>() : std::string();
  };
  std::string tool;
  if (incident.contains("tool_sources") && incident["tool_sources"].is_array() &&
      !incident["tool_sources"].empty() && incident["tool_sources"][0].is_string()) {
    tool = incident["tool_sources"][0].get<std::string>();
  }
  const std::string key = core::CorrelationKey(cfg.aggregation_key, str("asset_name"), str("signature"), tool);
  const store::Key pk = services::incident_items::PointerKey(cid, key);
  const int64_t last_us = incident.value("last_alert_us", int64_t{0});
  store::Condition cond = store::Condition::ItemNotExists("company_id");
  int64_t version = 0;
  auto cur = store->GetItem({t::kIncidents, pk});
  if (cur.ok()) {
    const std::string other = cur->value("incident_id", "");
    if (other == id) return;  // a re-run
    if (!other.empty()) {
      auto o = store->GetItem({t::kIncidents, {cid, other}});
      if (o.ok() && core::IsOpenStatus(o->value("status", "")) && o->value("last_alert_us", int64_t{0}) >= last_us) {
        spdlog::info("import: incident {} is not the correlation target of its key: open incident {} is newer",
                     id, other);
        return;
      }
    }
    version = cur->value("version", int64_t{0});
    cond = store::Condition();
    cond.Equals("version", version);
  } else if (!cur.status().IsNotFound()) {
    spdlog::warn("import: cannot read the correlation pointer of incident {}: {}", id, cur.status().message());
    return;
  }
  json ptr = {{"company_id", pk.pk},   {"id", *pk.sk},       {"incident_id", id},
              {"version", version + 1}, {"last_at_us", last_us}};
  Status s = store->PutItem({t::kIncidents, ptr, cond});
  if (!s.ok()) {
    spdlog::warn("import: incident {} was not made the correlation target of its key: {}", id, s.message());
    return;
  }
  store::UpdateRequest u;  // as the intake names it on the incidents it opens
  u.table = t::kIncidents;
  u.key = {cid, id};
  u.condition = store::Condition::ItemExists("company_id");
  u.Set("correlation_key", core::AggregationKeyName(cfg.aggregation_key)).Set("correlation_ptr", *pk.sk);
  (void)store->UpdateItem(u);
}

}  // namespace

Result<Report> ImportMongo(store::Store* store, const MapContext& ctx, const std::string& dir) {
  std::error_code ec;
  if (!fs::is_directory(dir, ec)) return Status::InvalidArgument("directory " + dir + " does not exist");
  Report report;
  std::set<std::string> known;
  for (const auto& c : MongoCollections()) {
    for (const char* ext : {".json", ".jsonl"}) {
      const fs::path path = fs::path(dir) / (c + ext);
      known.insert(path.filename().string());
      if (!fs::exists(path, ec)) continue;
      std::ifstream in(path);
      if (!in) {
        report.problems.push_back(path.string() + ": cannot be read");
        continue;
      }
      FileReport fr;
      fr.file = path.filename().string();
      std::string line;
      int64_t n = 0;
      while (std::getline(in, line)) {
        ++n;
        if (!line.empty() && line.back() == '\r') line.pop_back();
        if (line.find_first_not_of(" \t") == std::string::npos) continue;
        ++fr.lines;
        auto fail = [&](const std::string& why) {
          ++fr.bad;
          report.problems.push_back(fr.file + ":" + std::to_string(n) + ": " + why);
        };
        json doc = json::parse(line, nullptr, /*allow_exceptions=*/false);
        if (doc.is_discarded()) {
          fail("not valid JSON");
          continue;
        }
        Result<std::vector<WriteItem>> items = Status::InvalidArgument("not mapped");
        try {
          items = MapMongoDocument(c, doc, ctx);
        } catch (const std::exception& e) {
          // A field of an unexpected type deep in a document: the line is bad, the run goes on.
          items = Status::InvalidArgument(std::string("cannot be mapped: ") + e.what());
        }
        if (!items.ok()) {
          fail(items.status().message());
          continue;
        }
        bool too_big = false;
        for (const auto& w : *items) {
          if (store::ItemSize(w.item) > store::kMaxItemBytes) too_big = true;
        }
        if (too_big) {
          fail("the item is larger than 400 KB");
          continue;
        }
        if (std::string why = WriteLine(store, *items, &fr); !why.empty()) {
          fail(why);
          continue;
        }
        if (c == "incidents") {
          LinkAlerts(store, items->back().item);
          PointCorrelation(store, items->back().item);
        }
      }
      report.files.push_back(fr);
    }
  }
  for (const auto& entry : fs::directory_iterator(dir, ec)) {
    const std::string name = entry.path().filename().string();
    const std::string ext = entry.path().extension().string();
    if (entry.is_regular_file() && (ext == ".json" || ext == ".jsonl") && !known.count(name)) {
      report.problems.push_back(name + ": not a known collection, skipped");
    }
  }
  if (report.files.empty()) {
    // A wrong directory must not look like a successful import of nothing.
    return Status::InvalidArgument("no mongoexport file in " + dir +
                                   ": expected <collection>.json or .jsonl, e.g. companies.jsonl");
  }
  if (Status s = store->Sync(); !s.ok()) return s;
  return report;
}

}  // namespace aw::app::migrate
