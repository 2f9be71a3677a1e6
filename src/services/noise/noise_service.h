#pragma once

// Noise control per company (docs/noise-control.md): silences, maintenance
// windows and inhibition rules - their API, and the decision intake asks
// for every active alert (core/suppression.h holds the rule itself).
//
// Items (CompanyConfigs): "silence#<id>", "maint#<id>", "inhibition_rules",
// and "inhsrc#<sha256(asset\nsignature)>#<alert id>" - an active alert that
// matches the source side of an inhibition rule (written when it arrives,
// deleted when its recovery arrives).
//
// The hot path: a company's rules and inhibition sources are held in memory
// as one immutable snapshot (shared_ptr), so a company without any rules
// costs one map lookup. A write through this process replaces the snapshot
// at once. On the embedded store (one process) the snapshot is exact and
// kept until the next write; on DynamoDB (`ttl_us` > 0) each replica
// re-reads it after the TTL, so a change made on another replica applies
// within it.
//
// Thread-safe; API methods may throw ApiError.

#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <string>
#include <unordered_map>
#include <vector>

#include "core/suppression.h"
#include "services/config_service.h"
#include "services/context.h"
#include "services/page.h"
#include "services/identity/principal.h"
#include "services/txn_items.h"

namespace aw::services {

class NoiseService {
 public:
  // `ttl_us`: 0 keeps a snapshot until a write here (embedded store);
  // else how long a replica trusts it (DynamoDB).
  NoiseService(Context* ctx, ConfigService* configs, int64_t ttl_us)
      : ctx_(ctx), configs_(configs), ttl_us_(ttl_us) {}

  // --- API (routes_noise.cc); the caller checked the company scope. ---
  Page ListSilences(const std::string& company_id, int limit, const std::string& cursor);
  nlohmann::json CreateSilence(const Principal& p, const std::string& company_id, const nlohmann::json& body);
  // Expires the silence (removes it); the audit entry keeps the record.
  nlohmann::json DeleteSilence(const std::string& company_id, const std::string& silence_id);

  Page ListWindows(const std::string& company_id, int limit, const std::string& cursor);
  nlohmann::json CreateWindow(const Principal& p, const std::string& company_id, const nlohmann::json& body);
  nlohmann::json UpdateWindow(const Principal& p, const std::string& company_id, const std::string& window_id,
                              const nlohmann::json& body);
  void DeleteWindow(const std::string& company_id, const std::string& window_id);

  nlohmann::json InhibitionView(const std::string& company_id);
  nlohmann::json PutInhibition(const std::string& company_id, const nlohmann::json& body);

  // --- Intake ---
  // The decision for an active alert arriving now (after repeat removal,
  // before correlation). Fills `facts` when the company has any rule.
  core::SuppressionDecision Decide(const std::string& company_id, const std::string& asset,
                                   const std::string& signature, const std::string& severity,
                                   const std::string& tool, const nlohmann::json& metadata, int64_t now_us,
                                   core::MatchFacts* facts);
  // Marks a stored alert item with the decision (suppressed, silenced_by,
  // maintenance_window_id, inhibited_by). No-op for kNone.
  static void Mark(nlohmann::json& alert, const core::SuppressionDecision& d);
  // The KPI counter of a suppression ("suppressed_silence", ...).
  static const char* KpiCounter(core::SuppressedBy by);
  // A new inhibition source (decision.inhibition_source): its item, to be
  // written by the caller (PutItem, or inside an intake unit), and the
  // snapshot updated at once.
  store::Key SourceKey(const std::string& company_id, const std::string& alert_id,
                       const core::MatchFacts& f) const;
  nlohmann::json NoteSource(const std::string& company_id, const std::string& alert_id,
                            const core::MatchFacts& f);
  // A recovery for (asset, signature): ends the inhibition sources of that
  // key. Cheap when the company has no inhibition rules.
  void OnRecovery(const std::string& company_id, const std::string& asset, const std::string& signature);

  // --- SLA: maintenance pauses the clock ---
  // `due_s` moved later by the window time of the company's windows applying
  // to `asset` between `from_s` and the deadline.
  int64_t ExtendDeadline(const std::string& company_id, const std::string& asset, int64_t from_s,
                         int64_t due_s);

 private:
  struct Snapshot {
    core::NoiseRules rules;
    std::vector<core::InhibitionSource> sources;
    int64_t loaded_us = 0;
  };
  std::shared_ptr<const Snapshot> SnapshotOf(const std::string& company_id);
  std::shared_ptr<const Snapshot> Load(const std::string& company_id);
  void Invalidate(const std::string& company_id);
  std::vector<nlohmann::json> QueryPrefix(const std::string& company_id, const std::string& prefix,
                                          size_t max_items);
  Page ListPrefix(const std::string& company_id, const std::string& prefix, int limit,
                  const std::string& cursor);
  std::string DefaultTimeZone(const std::string& company_id);
  nlohmann::json WindowView(nlohmann::json item) const;

  Context* ctx_;
  ConfigService* configs_;
  int64_t ttl_us_;
  std::mutex mu_;
  std::unordered_map<std::string, std::shared_ptr<const Snapshot>> snapshots_;
};

}  // namespace aw::services
