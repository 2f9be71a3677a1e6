// aw_fill: fills an Alert Whisperer data directory with stored alerts and
// open incidents, for benchmarks that measure intake on a large store
// (bench/scale_bench.sh).
//
//   aw_fill --data-dir DIR --alerts N --open-incidents M [--company comp-acme]
//           [--span-hours 24] [--hosts 1000] [--batch 1000] [--alert-ttl-days 90 (0: all expired)]
//           [--claims true]
//
// Opens the RocksDB store as the server does (DIR/rocksdb, every
// table of store::tables::All()) and writes items of the same shapes the
// server writes at intake (services/alert_service.cc,
// services/incident_correlate.cc):
//   - N alerts, status "active", timestamps spread evenly over the last
//     --span-hours, ids UUIDv7 of their time; alert i belongs to incident
//     i % M (correlated_incident_id);
//   - M incidents, status "new", each with its correlation pointer
//     ("<cid>#corr", "ptr#<sha256[:40]>") and locator item, so the server
//     treats them as real open incidents; correlation keys use assets
//     "fill-host-<k>" and signatures "fill_sig_<k>", never a key of
//     bench/intake.lua;
//   - the auto-registered asset items of those hosts and the KPI counters
//     (alerts_total, incidents_total, open_<severity>).
//   - with --claims (the default), the repeat claim of every alert younger
//     than 24 hours, as the intake pipeline writes it beside the alert
//     (services/intake/intake_pipeline.h): "dlv#<sha256>" of the alert's
//     content, pointing at it, TTL 24 hours after the alert.
//
// --companies K (bench/queue_bench.sh): first creates K companies
// "fill-co-0000".."fill-co-<K-1>" (no API key: they take no webhooks) and
// spreads the set over them: key k belongs to company k % K (its alerts,
// incident, pointer, asset and KPI counters); --company is then unused.
// Incidents and alerts carry the attributes of the cross-company list
// indexes (services/list_index.h), as the server writes them.
//
// REQUIRES: the company exists (seed first: `alertwhisperer seed --data-dir
// DIR`), no server runs on DIR, M <= N. Running it twice on one directory
// adds a second set whose pointers replace the first set's.
// Exit codes: 0 done, 1 a store error, 2 bad arguments or missing company.

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <iostream>
#include <map>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include "base/clock.h"
#include "base/ids.h"
#include "base/time_format.h"
#include "core/category.h"
#include "core/correlation.h"
#include "core/priority.h"
#include "core/severity.h"
#include "services/incidents/incident_items.h"
#include "services/intake/alert_service.h"
#include "services/list_index.h"
#include "store/rocksdb/rocks_store.h"
#include "store/tables.h"

namespace {

namespace t = aw::store::tables;
namespace ii = aw::services::incident_items;
using nlohmann::json;
using Steady = std::chrono::steady_clock;

constexpr const char* kSeverities[] = {"critical", "high", "medium", "low"};
constexpr const char* kTool = "fill";

struct Options {
  std::string data_dir;
  int64_t alerts = 0;
  int64_t open_incidents = 0;
  std::string company = "comp-acme";
  double span_hours = 24;
  int64_t hosts = 1000;
  int64_t batch = 1000;
  int64_t alert_ttl_days = 90;
  int64_t companies = 0;  // 0: everything belongs to `company`
  bool claims = true;
};

std::string FillCompany(int64_t i) {
  std::string n = std::to_string(i);
  return "fill-co-" + std::string(n.size() < 4 ? 4 - n.size() : 0, '0') + n;
}

// What the incidents need to know about their alerts, gathered while the
// alerts are written.
struct IncidentAcc {
  std::string id;
  std::vector<std::string> alert_ids;  // newest last, trimmed to kMaxAlertIds
  int64_t count = 0;
  int64_t first_us = 0;
  int64_t last_us = 0;
  std::string severity = "low";
};

double Seconds(Steady::time_point since) {
  return std::max(std::chrono::duration<double>(Steady::now() - since).count(), 1e-9);
}

int StoreError(const std::string& what, const aw::Status& s) {
  std::cerr << "aw_fill: " << what << ": " << s.ToString() << std::endl;
  return 1;
}

// Key k -> (asset, signature): distinct for every k.
std::string HostName(const Options& o, int64_t k) { return "fill-host-" + std::to_string(k % o.hosts); }
std::string SignatureName(const Options& o, int64_t k) { return "fill_sig_" + std::to_string(k / o.hosts); }

class Filler {
 public:
  Filler(const Options& o, aw::store::Store* store, aw::core::AggregationKey agg)
      : o_(o), store_(store), agg_(agg), now_us_(aw::SystemClock::Default()->NowMicros()) {}

  int Run() {
    if (int rc = WriteCompanies(); rc != 0) return rc;
    if (int rc = WriteAlerts(); rc != 0) return rc;
    if (int rc = WriteIncidents(); rc != 0) return rc;
    if (int rc = WriteAssetsAndKpis(); rc != 0) return rc;
    const auto sync_start = Steady::now();
    if (aw::Status s = store_->Sync(); !s.ok()) return StoreError("sync", s);
    std::cout << "synced in " << Seconds(sync_start) << " s" << std::endl;
    return 0;
  }

 private:
  const std::string& CompanyOf(int64_t k) const {
    return o_.companies > 0 ? company_ids_[static_cast<size_t>(k % o_.companies)] : o_.company;
  }

  int WriteCompanies() {
    const std::string now = aw::FormatIso8601Micros(now_us_);
    std::vector<json> chunk;
    for (int64_t i = 0; i < o_.companies; ++i) {
      company_ids_.push_back(FillCompany(i));
      chunk.push_back({{"id", company_ids_.back()}, {"name", "Fill company " + std::to_string(i)},
                       {"directory", "companies"}, {"policy", {{"auto_approve_low_risk", false}}},
                       {"created_at", now}, {"updated_at", now}});
      if (static_cast<int64_t>(chunk.size()) >= o_.batch) {
        if (aw::Status s = Flush(t::kCompanies, &chunk); !s.ok()) return StoreError("writing companies", s);
      }
    }
    if (aw::Status s = Flush(t::kCompanies, &chunk); !s.ok()) return StoreError("writing companies", s);
    return 0;
  }

  // Key k of the fill set: incident k, or alert k when there are no incidents.
  int64_t KeyOf(int64_t alert_index) const {
    return o_.open_incidents > 0 ? alert_index % o_.open_incidents : alert_index;
  }

  int64_t AlertMicros(int64_t i) const {
    const auto span_us = static_cast<int64_t>(o_.span_hours * 3600e6);
    return now_us_ - span_us + static_cast<int64_t>(static_cast<double>(span_us) * i / o_.alerts);
  }

  aw::Status Flush(const char* table, std::vector<json>* items) {
    if (items->empty()) return aw::Status::OK();
    aw::store::WriteBatch b{table, std::move(*items), {}, /*defer_sync=*/true};
    items->clear();
    return store_->BatchWriteItem(b);
  }

  int WriteAlerts() {
    // Incident j opens with alert j (its first), so ids follow creation time.
    incidents_.resize(static_cast<size_t>(o_.open_incidents));
    for (int64_t j = 0; j < o_.open_incidents; ++j) {
      incidents_[j].first_us = AlertMicros(j);
      incidents_[j].id = incident_ids_.Next(incidents_[j].first_us);
    }
    const auto start = Steady::now();
    const int64_t step = std::max<int64_t>(o_.alerts / 10, 1);
    std::vector<json> chunk;
    for (int64_t i = 0; i < o_.alerts; ++i) {
      const int64_t at_us = AlertMicros(i);
      const std::string at = aw::FormatIso8601Micros(at_us);
      const int64_t k = KeyOf(i);
      const std::string host = HostName(o_, k);
      const std::string severity = kSeverities[i % 4];
      json alert = {
          {"company_id", CompanyOf(k)},
          {"id", alert_ids_.Next(at_us)},
          {"asset_name", host},
          {"asset_id", host},
          {"signature", SignatureName(o_, k)},
          {"severity", severity},
          {"message", "fill alert " + std::to_string(i) + " on " + host},
          {"tool_source", kTool},
          {"status", "active"},
          {"timestamp", at},
          {"received_at", at},
          {"last_seen", at},
          {"delivery_attempts", 1},
          {"metadata", json::object()},
          {"ttl", at_us / 1'000'000 + o_.alert_ttl_days * 86400},
      };
      if (o_.open_incidents > 0) {
        IncidentAcc& inc = incidents_[k];
        alert["correlated_incident_id"] = inc.id;
        inc.alert_ids.push_back(alert["id"].get<std::string>());
        if (inc.alert_ids.size() >= 2 * ii::kMaxAlertIds) {
          inc.alert_ids.erase(inc.alert_ids.begin(), inc.alert_ids.begin() + ii::kMaxAlertIds);
        }
        ++inc.count;
        inc.last_us = at_us;
        if (aw::core::SeverityRank(severity) > aw::core::SeverityRank(inc.severity)) inc.severity = severity;
      }
      aw::services::list_index::StampAlert(alert);
      ++alerts_by_company_[CompanyOf(k)];
      if (o_.claims && now_us_ - at_us < kClaimLifetimeMicros) chunk.push_back(ClaimOf(alert, at_us));
      chunk.push_back(std::move(alert));
      if (static_cast<int64_t>(chunk.size()) >= o_.batch) {
        if (aw::Status s = Flush(t::kAlerts, &chunk); !s.ok()) return StoreError("writing alerts", s);
      }
      if ((i + 1) % step == 0 || i + 1 == o_.alerts) {
        const double secs = Seconds(start);
        std::cout << "alerts " << (i + 1) << "/" << o_.alerts << " (" << static_cast<int64_t>((i + 1) / secs)
                  << "/s)" << std::endl;
      }
    }
    if (aw::Status s = Flush(t::kAlerts, &chunk); !s.ok()) return StoreError("writing alerts", s);
    return 0;
  }

  static constexpr int64_t kClaimLifetimeMicros = int64_t{24} * 3600 * 1'000'000;

  static json ClaimOf(const json& alert, int64_t at_us) {
    aw::services::AlertInput in;
    in.asset_name = alert["asset_name"].get<std::string>();
    in.signature = alert["signature"].get<std::string>();
    in.message = alert["message"].get<std::string>();
    const std::string company_id = alert["company_id"].get<std::string>();
    return aw::services::AlertService::ClaimItem(company_id, aw::services::AlertService::ClaimId(in, ""),
                                                 alert["id"].get<std::string>(), at_us);
  }

  json IncidentItem(const IncidentAcc& acc, int64_t k, const std::string& ptr_sk) {
    const std::string host = HostName(o_, k);
    const std::string sig = SignatureName(o_, k);
    const std::string first_message = "fill alert " + std::to_string(k) + " on " + host;
    json ids = acc.alert_ids;
    if (ids.size() > ii::kMaxAlertIds) {
      ids.erase(ids.begin(), ids.begin() + static_cast<std::ptrdiff_t>(ids.size() - ii::kMaxAlertIds));
    }
    aw::core::PriorityInput p;
    p.severity = aw::core::ParseSeverity(acc.severity).value_or(aw::core::Severity::kLow);
    p.alert_count = acc.count;
    p.tool_count = 1;
    p.age_hours = static_cast<double>(now_us_ - acc.first_us) / 3.6e9;
    const std::string first = aw::FormatIso8601Micros(acc.first_us);
    const std::string last = aw::FormatIso8601Micros(acc.last_us);
    json inc = {
        {"company_id", CompanyOf(k)},
        {"id", acc.id},
        {"title", sig + " on " + host},
        {"description", first_message},
        {"status", "new"},
        {"severity", acc.severity},
        {"alert_ids", ids},
        {"alert_count", acc.count},
        {"active_alert_count", acc.count},
        {"tool_sources", json::array({kTool})},
        {"signature", sig},
        {"asset_name", host},
        {"asset_id", host},
        {"critical_asset", false},
        {"category", aw::core::Categorize(sig, first_message)},
        {"correlation_key", aw::core::AggregationKeyName(agg_)},
        {"correlation_ptr", ptr_sk},
        {"assigned_to", nullptr},
        {"assigned_at", nullptr},
        {"resolved_at", nullptr},
        {"resolved_by", nullptr},
        {"resolution_notes", nullptr},
        {"escalated", false},
        {"escalation_level", 0},
        {"sla", json::object()},
        {"metadata", json::object()},
        {"created_at", first},
        {"updated_at", last},
        {"first_alert_at", first},
        {"last_alert_at", last},
        {"last_alert_us", acc.last_us},
        {"priority_score", aw::core::PriorityScore(p)},
        {"version", acc.count},  // one version per alert, as joins make it
    };
    aw::services::list_index::StampIncident(inc);
    return inc;
  }

  int WriteIncidents() {
    const auto start = Steady::now();
    const int64_t step = std::max<int64_t>(o_.open_incidents / 10, 1);
    std::vector<json> chunk;
    for (int64_t k = 0; k < o_.open_incidents; ++k) {
      const IncidentAcc& acc = incidents_[k];
      const std::string key = aw::core::CorrelationKey(agg_, HostName(o_, k), SignatureName(o_, k), kTool);
      const aw::store::Key ptr = ii::PointerKey(CompanyOf(k), key);
      chunk.push_back(IncidentItem(acc, k, *ptr.sk));
      chunk.push_back({{"company_id", ii::LocatorKey(acc.id).pk}, {"id", acc.id}, {"owner", CompanyOf(k)}});
      chunk.push_back({{"company_id", ptr.pk}, {"id", *ptr.sk}, {"incident_id", acc.id}, {"version", 1},
                       {"last_at_us", acc.last_us}});
      ++open_by_company_[CompanyOf(k)][acc.severity];
      if (static_cast<int64_t>(chunk.size()) >= o_.batch) {
        if (aw::Status s = Flush(t::kIncidents, &chunk); !s.ok()) return StoreError("writing incidents", s);
      }
      if ((k + 1) % step == 0 || k + 1 == o_.open_incidents) {
        const double secs = Seconds(start);
        std::cout << "incidents " << (k + 1) << "/" << o_.open_incidents << " ("
                  << static_cast<int64_t>((k + 1) / secs) << "/s)" << std::endl;
      }
    }
    if (aw::Status s = Flush(t::kIncidents, &chunk); !s.ok()) return StoreError("writing incidents", s);
    return 0;
  }

  int WriteAssetsAndKpis() {
    const int64_t keys = o_.open_incidents > 0 ? o_.open_incidents : o_.alerts;
    const std::string now = aw::FormatIso8601Micros(now_us_);
    std::vector<json> chunk;
    for (int64_t h = 0; h < std::min(keys, o_.hosts); ++h) {
      const std::string name = HostName(o_, h);
      chunk.push_back({{"company_id", CompanyOf(h)}, {"config_type", "asset#" + name}, {"id", name}, {"name", name},
                       {"type", "unknown"}, {"os", ""}, {"is_critical", false}, {"tags", json::array()},
                       {"auto_registered", true}, {"created_at", now}, {"updated_at", now}});
      if (static_cast<int64_t>(chunk.size()) >= o_.batch) {
        if (aw::Status s = Flush(t::kCompanyConfigs, &chunk); !s.ok()) return StoreError("writing assets", s);
      }
    }
    if (aw::Status s = Flush(t::kCompanyConfigs, &chunk); !s.ok()) return StoreError("writing assets", s);
    for (const auto& [company, alerts] : alerts_by_company_) {
      aw::store::UpdateRequest u;
      u.table = t::kCompanyConfigs;
      u.key = {company, "kpi"};
      u.Add("alerts_total", alerts);
      int64_t incidents = 0;
      for (const auto& [severity, n] : open_by_company_[company]) {
        u.Add("open_" + severity, n);
        incidents += n;
      }
      if (incidents > 0) u.Add("incidents_total", incidents);
      u.defer_sync = true;
      if (auto r = store_->UpdateItem(u); !r.ok()) return StoreError("writing the KPI counters", r.status());
    }
    return 0;
  }

  const Options& o_;
  aw::store::Store* store_;
  aw::core::AggregationKey agg_;
  const int64_t now_us_;
  aw::IdGenerator alert_ids_;
  aw::IdGenerator incident_ids_;
  std::vector<IncidentAcc> incidents_;
  std::vector<std::string> company_ids_;
  std::map<std::string, int64_t> alerts_by_company_;
  std::map<std::string, std::map<std::string, int64_t>> open_by_company_;
};

}  // namespace

int main(int argc, char** argv) {
  Options o;
  CLI::App cli{"aw_fill: fill an Alert Whisperer data directory with alerts and open incidents"};
  cli.add_option("--data-dir", o.data_dir, "Data directory (holds alertwhisperer.db)")->required();
  cli.add_option("--alerts", o.alerts, "Alerts to write")->required()->check(CLI::NonNegativeNumber);
  cli.add_option("--open-incidents", o.open_incidents, "Open incidents to write (<= alerts)")
      ->check(CLI::NonNegativeNumber);
  cli.add_option("--company", o.company, "Company id (default comp-acme)");
  cli.add_option("--span-hours", o.span_hours, "Alerts are spread over this many past hours (default 24)")
      ->check(CLI::Range(0.001, 24.0 * 365));
  cli.add_option("--hosts", o.hosts, "Distinct asset names (default 1000)")->check(CLI::Range(1, 1'000'000));
  cli.add_option("--batch", o.batch, "Items per BatchWriteItem (default 1000)")->check(CLI::Range(1, 100'000));
  cli.add_option("--companies", o.companies, "Create this many companies and spread the set over them (default 0)")
      ->check(CLI::Range(0, 100'000));
  cli.add_option("--alert-ttl-days", o.alert_ttl_days,
                 "Alert TTL, as AW_ALERT_TTL_DAYS (default 90; 0: every alert expired, for bench/sweep_bench.sh)")
      ->check(CLI::Range(0, 3650));
  cli.add_option("--claims", o.claims,
                 "Write the repeat claim of each alert of the last 24 hours, as the server does (default true)");
  try {
    cli.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return cli.exit(e);
  }
  if (o.open_incidents > o.alerts) {
    std::cerr << "aw_fill: --open-incidents (" << o.open_incidents << ") must not exceed --alerts (" << o.alerts
              << "): every incident holds at least one alert" << std::endl;
    return 2;
  }

  const auto start = Steady::now();
  aw::store::RocksOptions opts;
  opts.path = o.data_dir + "/rocksdb";
  auto opened = aw::store::RocksStore::Open(opts, aw::SystemClock::Default());
  if (!opened.ok()) return StoreError("cannot open the RocksDB store " + opts.path, opened.status());
  std::unique_ptr<aw::store::RocksStore> store = std::move(opened).value();
  for (const auto& spec : t::All()) {
    if (aw::Status s = store->CreateTable(spec); !s.ok()) return StoreError("cannot create table " + spec.name, s);
  }
  auto company = store->GetItem({t::kCompanies, {o.company, std::nullopt}});
  if (o.companies == 0 && !company.ok()) {
    std::cerr << "aw_fill: company " << o.company << " not found in " << opts.path << " ("
              << company.status().ToString() << "); seed first: alertwhisperer seed --data-dir " << o.data_dir
              << std::endl;
    return 2;
  }
  // The pointers must use the company's aggregation key, or the server
  // would not find them.
  auto agg = aw::core::AggregationKey::kAssetSignature;
  if (auto cfg = store->GetItem({t::kCompanyConfigs, {o.company, "correlation"}}); cfg.ok()) {
    agg = aw::core::ParseAggregationKey(cfg->value("aggregation_key", "asset|signature")).value_or(agg);
  }
  std::cout << "filling " << opts.path << ": " << o.alerts << " alerts, " << o.open_incidents
            << " open incidents for " << o.company << std::endl;

  Filler filler(o, store.get(), agg);
  if (int rc = filler.Run(); rc != 0) return rc;
  if (aw::Status s = store->Flush(); !s.ok()) return StoreError("flush", s);
  std::cout << "done in " << Seconds(start) << " s" << std::endl;
  return 0;
}
