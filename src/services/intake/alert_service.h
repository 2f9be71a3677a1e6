#pragma once

// Webhook intake and alert listing.
//
// Ingest writes the alert durably before it returns. Repeats are found by a
// claim item (Alerts: company_id, "dlv#<sha256(id)>", 24 h TTL) whose id is
// the sender's X-Delivery-ID or, without one, the alert's fingerprint
// (asset, signature, message). The claim is written with a conditional put;
// the winner correlates and writes the alert, every repeat increments the
// alert's delivery_attempts (coalesced: one ADD per group of concurrent
// repeats). A fingerprint repeat counts only while the first alert is
// active. The steps are ordered so that a crash between them is repaired by
// the next delivery of the same alert. Without an intake pipeline (DynamoDB)
// an active alert's own item is the claim instead (alert_claim_path.cc);
// recovery alerts keep the claim item.
// Thread-safe; methods may throw ApiError.

#include <exception>
#include <functional>
#include <future>
#include <mutex>
#include <optional>
#include <unordered_map>
#include <string>

#include <nlohmann/json.hpp>

#include "core/records.h"
#include "services/intake/alert_input.h"
#include "services/intake/asset_service.h"
#include "services/combiner.h"
#include "services/context.h"
#include "services/incidents/incident_service.h"
#include "services/kpi_service.h"
#include "services/noise/noise_service.h"
#include "services/page.h"
#include "services/identity/principal.h"

namespace aw::services {

struct IngestResult {
  std::string alert_id;
  std::string company_id;
  std::string incident_id;  // the incident it joined or opened, if any
  bool incident_created = false;
  bool duplicate = false;
  int64_t delivery_attempts = 1;
  std::string suppressed;  // "silence" | "maintenance" | "inhibited" when noise control kept it out
  nlohmann::json alert;
};

struct AlertFilter {
  std::string company_id;  // empty: every company the caller may see
  std::string status;      // empty: any
  int limit = kDefaultPageSize;
  std::string cursor;
};

class IntakePipeline;

// The correlation facts of one alert (what core/correlate.h reads), from the
// alert item being written (its "id" and "timestamp"), its input and asset.
// The same for every intake path, so that they correlate alike.
CorrelationInput CorrelationInputFor(const nlohmann::json& alert, const AlertInput& in,
                                     const AssetInfo& asset);

class AlertService {
 public:
  AlertService(Context* ctx, AssetService* assets, IncidentService* incidents, KpiService* kpis)
      : ctx_(ctx), assets_(assets), incidents_(incidents), kpis_(kpis) {}

  IngestResult Ingest(const std::string& company_id, const AlertInput& in, const std::string& delivery_id);
  // Embedded store: intake through `pipeline` (services/intake_pipeline.h).
  // Wiring, before the first request.
  void UsePipeline(IntakePipeline* pipeline) { pipeline_ = pipeline; }
  // Noise control (silences, maintenance, inhibition): asked for every
  // active alert after repeat removal, before correlation. Wiring.
  void UseNoise(NoiseService* noise) { noise_ = noise; }
  bool pipelined() const { return pipeline_ != nullptr; }
  // Non-blocking Ingest (same rules, same result): false - and `done` is not
  // called - when there is no pipeline or the alert needs the blocking path
  // (a resolved alert); else `done` is called once from a store thread.
  // Throws ApiError for an alert that cannot be stored (too large).
  bool IngestAsync(const std::string& company_id, const AlertInput& in, const std::string& delivery_id,
                   std::function<void(IngestResult&&, std::exception_ptr)> done);
  // Newest first. Across several companies the pages are merged by
  // (timestamp, id); the cursor is "<timestamp>|<id>" of the last item.
  Page List(const Principal& p, const AlertFilter& f, const std::vector<std::string>& all_company_ids);

  // The repeat claim's sort key: "dlv#" + SHA-256 of the delivery id when
  // there is one, else of asset, signature and message.
  static std::string ClaimId(const AlertInput& in, const std::string& delivery_id);
  // The claim item (core::RepeatClaim) that points `claim_id` at `alert_id`
  // for 24 hours from `now_us` (its TTL).
  static nlohmann::json ClaimItem(const std::string& company_id, const std::string& claim_id,
                                  const std::string& alert_id, int64_t now_us);

 private:
  nlohmann::json NewAlert(const std::string& company_id, const AlertInput& in, const std::string& delivery_id,
                          int64_t now_us) const;
  IngestResult Repeat(const std::string& company_id, const std::string& alert_id);
  // The claim exists: the repeat rule (core::DecideRepeat) on the
  // conditional path. nullopt: something moved meanwhile, read again.
  // `alert_first`: the alert is stored by StoreFirst (DynamoDB), else Store.
  std::optional<IngestResult> OnClaim(const std::string& company_id, const core::RepeatClaim& held,
                                      const std::string& delivery_id, nlohmann::json& alert,
                                      const AlertInput& in, int64_t now_us, int attempt,
                                      bool alert_first = false);
  IngestResult Store(const std::string& company_id, nlohmann::json alert, const AlertInput& in);

  // ---- DynamoDB: the alert item is its own repeat claim (alert_claim_path.cc)
  // An active alert's item is put under an id derived from its claim key
  // (DerivedAlertId), with attribute_not_exists: that put is the claim, so
  // a new alert costs one item write for its claim and itself. A claim item
  // (dlv#…) is written only when the claim moves to a later alert (the
  // derived alert was resolved, or is older than 24 h).
  struct ClaimHint {
    std::string alert_id;
    int64_t claim_us = 0;
  };
  IngestResult IngestClaimed(const std::string& company_id, const AlertInput& in,
                             const std::string& delivery_id, nlohmann::json alert, int64_t now_us);
  // The claim key's derived alert exists (put failed): repeat, or a new
  // occurrence through a claim item. nullopt: read again.
  std::optional<IngestResult> OnDerived(const std::string& company_id, const std::string& claim_id,
                                        const nlohmann::json& held, const std::string& delivery_id,
                                        nlohmann::json& alert, const AlertInput& in, int64_t now_us,
                                        int attempt);
  std::optional<IngestResult> RepeatFromHint(const std::string& company_id, const std::string& hint_key,
                                             bool by_delivery, int64_t now_us);
  void RememberClaim(const std::string& hint_key, const std::string& alert_id, int64_t claim_us);
  // Writes the alert first (only if absent), then correlates it. nullopt:
  // an item of another delivery holds that id.
  std::optional<IngestResult> StoreFirst(const std::string& company_id, nlohmann::json alert,
                                         const AlertInput& in);
  // StoreFirst's join: correlates the stored alert `ci` and corrects the
  // incident its item names (`named`) when correlation decided otherwise.
  // Fills r.incident_id / r.incident_created. Throws ApiError.
  void Join(const std::string& company_id, const CorrelationInput& ci, const std::string& named,
            IngestResult& r);
  // The alert item was written but its join threw (the sender gets 503):
  // marks it `join_pending` so that the retry completes the join instead of
  // being a plain repeat. Best effort; a failure is logged, never thrown.
  void MarkJoinPending(const std::string& company_id, const std::string& alert_id);
  // True when the held alert item waits for its join (marked, not suppressed).
  static bool JoinPending(const nlohmann::json& held);
  // A repeat of a `join_pending` alert: joins it (from the stored item, not
  // the repeat's body), removes the marker, and answers as its first
  // accepted delivery. nullopt: another delivery removed the marker first
  // (then this one is a plain repeat). Throws ApiError (the marker stays).
  std::optional<IngestResult> CompleteJoin(const std::string& company_id, const nlohmann::json& held);
  // Noise control's answer for `in` (none without noise control, and none
  // for a recovery: it only ends things). *facts is filled for NoteSource.
  core::SuppressionDecision DecideNoise(const std::string& company_id, const AlertInput& in, int64_t now_us,
                                        core::MatchFacts* facts) const;
  // Marks a suppressed alert (stored and visible; no incident, nobody
  // notified) and says so in `r`. False, and nothing done, when not suppressed.
  static bool MarkSuppressed(const core::SuppressionDecision& noise, nlohmann::json& alert, IngestResult& r);
  // The alert is stored (and correlated): counts it, shows it to live
  // views, and completes `r`.
  IngestResult Stored(const std::string& company_id, const std::string& alert_id,
                      const core::SuppressionDecision& noise, nlohmann::json alert, IngestResult r);
  static std::string DerivedAlertId(const std::string& company_id, const std::string& claim_id);
  // Internal alert attribute (hidden from API views: list_index::HideAttrs).
  static constexpr const char* kJoinPending = "join_pending";

  Context* ctx_;
  AssetService* assets_;
  IncidentService* incidents_;
  KpiService* kpis_;
  IntakePipeline* pipeline_ = nullptr;
  NoiseService* noise_ = nullptr;
  // Repeats of one alert are coalesced: one ADD per group.
  Combiner<int, int64_t> repeats_;
  // First deliveries being written by this process, by claim key: a repeat
  // that arrives meanwhile waits for the first one instead of racing it.
  std::mutex flights_mu_;
  std::unordered_map<std::string, std::shared_future<void>> flights_;
  // This process's first delivery of `key` while it lives: announced on
  // construction unless another one is in flight (then `taken()` is false,
  // after waiting for that one to land); landed on destruction.
  class Flight {
   public:
    Flight(AlertService* self, std::string key);
    ~Flight();
    Flight(const Flight&) = delete;
    Flight& operator=(const Flight&) = delete;
    bool taken() const { return taken_; }

   private:
    AlertService* self_;
    std::string key_;
    std::promise<void> done_;
    bool taken_ = false;
  };
  // Claims this replica made or saw (company \n claim id -> alert): a repeat
  // goes straight to its alert instead of failing a conditional put first.
  // Why a stale hint is safe: a claim moves to another alert only when its
  // alert is resolved (by-content claims) or the claim is 24 h old, and a
  // hint is used only while its alert is found active (by content) or found
  // at all (by delivery id), and until claim_us + 24 h; otherwise the store
  // decides.
  std::mutex hints_mu_;
  std::unordered_map<std::string, ClaimHint> hints_;
};

}  // namespace aw::services
