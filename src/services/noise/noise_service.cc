// The per-company snapshot intake decides with, and the intake side of
// noise control (the decision itself: core/suppression.h; the API:
// noise_api.cc).

#include "services/noise/noise_service.h"

#include <spdlog/spdlog.h>

#include "base/errors.h"
#include "crypto/hash.h"
#include "services/noise/noise_items.h"
#include "services/paging.h"
#include "store/tables.h"

namespace aw::services {

namespace t = store::tables;
using nlohmann::json;
using namespace noise;  // NOLINT: this service's own internal helpers

// ---------------------------------------------------------------- snapshot

std::shared_ptr<const NoiseService::Snapshot> NoiseService::SnapshotOf(const std::string& company_id) {
  const int64_t now = ctx_->clock->NowMicros();
  {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = snapshots_.find(company_id);
    if (it != snapshots_.end() && (ttl_us_ == 0 || now - it->second->loaded_us < ttl_us_)) return it->second;
  }
  return Load(company_id);
}

std::vector<json> NoiseService::QueryPrefix(const std::string& company_id, const std::string& prefix,
                                            size_t max_items) {
  std::vector<json> out;
  store::QueryRequest q;
  q.table = t::kCompanyConfigs;
  q.pk = company_id;
  q.sk = {store::SortCondition::Op::kBeginsWith, prefix, ""};
  ThrowIfError(ForEachPage(ctx_->store, q,
                           [&](std::vector<store::Item>& items) {
                             for (auto& it : items) out.push_back(std::move(it));
                             return out.size() < max_items;
                           }),
               "noise settings");
  return out;
}

std::shared_ptr<const NoiseService::Snapshot> NoiseService::Load(const std::string& company_id) {
  auto snap = std::make_shared<Snapshot>();
  snap->loaded_us = ctx_->clock->NowMicros();
  const int64_t now_s = snap->loaded_us / 1'000'000;
  for (const auto& item : QueryPrefix(company_id, kSilencePrefix, kMaxItemsLoaded)) {
    core::Silence s;
    if (auto e = SilenceFromItem(item, &s)) {
      spdlog::warn("noise: silence {} of company {} is unreadable ({}: {}); ignored", item.value("id", ""),
                   company_id, e->field, e->message);
      continue;
    }
    if (s.ends_s > now_s) snap->rules.silences.push_back(std::move(s));
  }
  for (const auto& item : QueryPrefix(company_id, kWindowPrefix, kMaxItemsLoaded)) {
    core::MaintenanceWindow w;
    if (auto e = WindowFromItem(item, &w)) {
      spdlog::warn("noise: maintenance window {} of company {} is unreadable ({}: {}); ignored",
                   item.value("id", ""), company_id, e->field, e->message);
      continue;
    }
    snap->rules.windows.push_back(std::move(w));
  }
  auto rules = ctx_->store->GetItem({t::kCompanyConfigs, {company_id, kInhibitionConfig}});
  if (rules.ok()) {
    if (auto e = RulesFromJson(rules->value("rules", json::array()), &snap->rules.inhibition)) {
      spdlog::warn("noise: inhibition rules of company {} are unreadable ({}: {}); ignored", company_id,
                   e->field, e->message);
      snap->rules.inhibition.clear();
    }
  } else if (!rules.status().IsNotFound()) {
    ThrowIfError(rules.status(), "inhibition rules");
  }
  if (!snap->rules.inhibition.empty()) {
    for (const auto& item : QueryPrefix(company_id, kSourcePrefix, kMaxItemsLoaded)) {
      core::InhibitionSource src;
      src.alert_id = item.value("alert_id", "");
      src.facts.asset = item.value("asset", "");
      src.facts.signature = item.value("signature", "");
      src.facts.severity = item.value("severity", "");
      src.facts.tool = item.value("tool", "");
      src.facts.labels = core::LabelsFromMetadata(json{{"labels", item.value("labels", json::object())}});
      snap->sources.push_back(std::move(src));
    }
  }
  std::shared_ptr<const Snapshot> out = std::move(snap);
  std::lock_guard<std::mutex> lock(mu_);
  if (snapshots_.size() > 100000) snapshots_.clear();
  snapshots_[company_id] = out;
  return out;
}

void NoiseService::Invalidate(const std::string& company_id) {
  std::lock_guard<std::mutex> lock(mu_);
  snapshots_.erase(company_id);
}

// ------------------------------------------------------------------ intake

core::SuppressionDecision NoiseService::Decide(const std::string& company_id, const std::string& asset,
                                               const std::string& signature, const std::string& severity,
                                               const std::string& tool, const json& metadata, int64_t now_us,
                                               core::MatchFacts* facts) {
  auto snap = SnapshotOf(company_id);
  if (snap->rules.empty()) return {};
  facts->asset = asset;
  facts->signature = signature;
  facts->severity = severity;
  facts->tool = tool;
  facts->labels = core::LabelsFromMetadata(metadata);
  return core::DecideSuppression(*facts, snap->rules, snap->sources, now_us / 1'000'000);
}

void NoiseService::Mark(json& alert, const core::SuppressionDecision& d) {
  switch (d.by) {
    case core::SuppressedBy::kNone:
      return;
    case core::SuppressedBy::kSilence:
      alert["silenced_by"] = d.id;
      break;
    case core::SuppressedBy::kMaintenance:
      alert["maintenance_window_id"] = d.id;
      break;
    case core::SuppressedBy::kInhibition:
      alert["inhibited_by"] = d.id;
      break;
  }
  alert["suppressed"] = core::SuppressedByName(d.by);
}

const char* NoiseService::KpiCounter(core::SuppressedBy by) {
  switch (by) {
    case core::SuppressedBy::kSilence:
      return "suppressed_silence";
    case core::SuppressedBy::kMaintenance:
      return "suppressed_maintenance";
    case core::SuppressedBy::kInhibition:
      return "suppressed_inhibition";
    case core::SuppressedBy::kNone:
      break;
  }
  return "";
}

store::Key NoiseService::SourceKey(const std::string& company_id, const std::string& alert_id,
                                   const core::MatchFacts& f) const {
  return {company_id,
          std::string(kSourcePrefix) + crypto::Sha256Hex(f.asset + '\n' + f.signature) + "#" + alert_id};
}

json NoiseService::NoteSource(const std::string& company_id, const std::string& alert_id,
                              const core::MatchFacts& f) {
  const store::Key key = SourceKey(company_id, alert_id, f);
  json item = {{"company_id", key.pk}, {"config_type", key.sk.value_or("")}, {"alert_id", alert_id},
               {"asset", f.asset},     {"signature", f.signature},           {"severity", f.severity},
               {"tool", f.tool},       {"labels", json(f.labels)},           {"created_at", ctx_->Now()}};
  std::lock_guard<std::mutex> lock(mu_);
  auto it = snapshots_.find(company_id);
  if (it != snapshots_.end()) {
    auto copy = std::make_shared<Snapshot>(*it->second);  // copy on write: readers keep theirs
    copy->sources.push_back({alert_id, f});
    it->second = std::move(copy);
  }
  return item;
}

void NoiseService::OnRecovery(const std::string& company_id, const std::string& asset,
                              const std::string& signature) {
  auto snap = SnapshotOf(company_id);
  if (snap->rules.inhibition.empty()) return;
  const std::string prefix = std::string(kSourcePrefix) + crypto::Sha256Hex(asset + '\n' + signature) + "#";
  for (const auto& item : QueryPrefix(company_id, prefix, kMaxItemsLoaded)) {
    Status s = ctx_->store->DeleteItem({t::kCompanyConfigs, {company_id, item.value("config_type", "")}, {}});
    if (!s.ok())
      spdlog::warn("noise: inhibition source of company {} not removed: {}", company_id, s.ToString());
  }
  std::lock_guard<std::mutex> lock(mu_);
  auto it = snapshots_.find(company_id);
  if (it != snapshots_.end()) {
    auto copy = std::make_shared<Snapshot>(*it->second);
    std::erase_if(copy->sources, [&](const core::InhibitionSource& s) {
      return s.facts.asset == asset && s.facts.signature == signature;
    });
    it->second = std::move(copy);
  }
}

int64_t NoiseService::ExtendDeadline(const std::string& company_id, const std::string& asset, int64_t from_s,
                                     int64_t due_s) {
  auto snap = SnapshotOf(company_id);
  if (snap->rules.windows.empty()) return due_s;
  return core::ExtendForMaintenance(snap->rules.windows, asset, from_s, due_s);
}

}  // namespace aw::services
