// Intake of an active alert on DynamoDB (no intake pipeline): the alert item
// is its own repeat claim, and it is written before it correlates.
//
// Per new alert that is one item write for the claim and the alert together
// (before: a claim item and the alert item) and no read for the claim (the
// put is conditional; only a repeat reads). Writing the alert first also
// means an alert whose write fails was never counted by an incident; the
// alert names the incident it will most likely join
// (IncidentService::ExpectIncident) and is corrected by one more write only
// when correlation decides otherwise.

#include <chrono>
#include <thread>

#include <spdlog/spdlog.h>

#include "base/errors.h"
#include "base/ids.h"
#include "base/time_format.h"
#include "core/correlate.h"
#include "core/records.h"
#include "crypto/hash.h"
#include "services/intake/alert_service.h"
#include "services/list_index.h"
#include "store/tables.h"

namespace aw::services {

namespace t = store::tables;
using nlohmann::json;

namespace {

constexpr int64_t kClaimLifeUs = int64_t{24} * 3600 * 1'000'000;  // docs/correlation.md, "Repeats"

// When the derived alert's own claim was made: its first delivery.
int64_t ClaimedAt(const json& alert) { return ParseIso8601(alert.value("received_at", "")).value_or(0); }

}  // namespace

std::string AlertService::DerivedAlertId(const std::string& company_id, const std::string& claim_id) {
  // A UUID of version 8 (custom) from SHA-256: valid wherever an id is
  // (IsValidId), the same on every replica, never equal to a UUIDv7.
  std::string h = crypto::Sha256Hex("alert\n" + company_id + '\n' + claim_id).substr(0, 32);
  h[12] = '8';
  h[16] = "89ab"[std::stoi(h.substr(16, 1), nullptr, 16) & 3];
  return h.substr(0, 8) + '-' + h.substr(8, 4) + '-' + h.substr(12, 4) + '-' + h.substr(16, 4) + '-' +
         h.substr(20, 12);
}

void AlertService::RememberClaim(const std::string& hint_key, const std::string& alert_id, int64_t claim_us) {
  std::lock_guard<std::mutex> lock(hints_mu_);
  if (hints_.size() >= 100'000) hints_.clear();
  hints_[hint_key] = {alert_id, claim_us};
}

std::optional<IngestResult> AlertService::RepeatFromHint(const std::string& company_id,
                                                         const std::string& hint_key, bool by_delivery,
                                                         int64_t now_us) {
  ClaimHint hint;
  {
    std::lock_guard<std::mutex> lock(hints_mu_);
    auto it = hints_.find(hint_key);
    if (it == hints_.end()) return std::nullopt;
    hint = it->second;
  }
  if (now_us - hint.claim_us < kClaimLifeUs) {
    auto first = ctx_->store->GetItem({t::kAlerts, {company_id, hint.alert_id}});
    if (!first.ok() && !first.status().IsNotFound()) ThrowIfError(first.status(), "alert");
    // A stored alert whose join failed is completed on the store's path
    // (OnDerived), under this claim's flight.
    if (first.ok() && !JoinPending(*first) && (by_delivery || first->value("status", "") == "active")) {
      return Repeat(company_id, hint.alert_id);
    }
  }
  std::lock_guard<std::mutex> lock(hints_mu_);
  hints_.erase(hint_key);  // the store decides
  return std::nullopt;
}

IngestResult AlertService::IngestClaimed(const std::string& company_id, const AlertInput& in,
                                         const std::string& delivery_id, json alert, int64_t now_us) {
  const std::string claim_id = ClaimId(in, delivery_id);
  const std::string flight_key = company_id + '\n' + claim_id;
  const std::string derived = DerivedAlertId(company_id, claim_id);
  const bool by_delivery = !delivery_id.empty();
  for (int attempt = 0; attempt < 8; ++attempt) {
    if (auto r = RepeatFromHint(company_id, flight_key, by_delivery, now_us)) return std::move(*r);
    // Announce the flight, so local repeats wait for it instead of racing.
    Flight flight(this, flight_key);
    if (!flight.taken()) continue;  // another delivery landed meanwhile: look again
    alert["id"] = derived;
    if (auto r = StoreFirst(company_id, alert, in)) {
      RememberClaim(flight_key, derived, now_us);
      return std::move(*r);
    }
    // The derived alert exists: an earlier delivery of this claim key.
    auto held = ctx_->store->GetItem({t::kAlerts, {company_id, derived}});
    if (held.status().IsNotFound()) continue;  // gone meanwhile (expired)
    ThrowIfError(held.status(), "alert");
    json next = alert;
    if (auto r = OnDerived(company_id, claim_id, *held, delivery_id, next, in, now_us, attempt)) {
      // The derived alert answered (a repeat, or its completed join). (A
      // repeat of a later alert is not remembered: its claim item's age
      // would be needed; such repeats are rare.)
      if (r->alert_id == derived) RememberClaim(flight_key, derived, ClaimedAt(*held));
      return std::move(*r);
    }
  }
  Throw(ErrorKind::kUnavailable, "intake_contention", "this alert is being delivered concurrently; retry", 1);
}

std::optional<IngestResult> AlertService::OnDerived(const std::string& company_id,
                                                    const std::string& claim_id, const json& held,
                                                    const std::string& delivery_id, json& alert,
                                                    const AlertInput& in, int64_t now_us, int attempt) {
  // The derived alert is the claim while it is at most 24 h old and - for a
  // claim by content - active (core::DecideRepeat's rule).
  const std::string derived = held.value("id", "");
  if (now_us - ClaimedAt(held) < kClaimLifeUs) {
    const core::RepeatFacts facts{derived, true, held.value("status", ""), !delivery_id.empty()};
    if (core::DecideRepeat(facts) == core::RepeatAction::kRepeat) {
      if (JoinPending(held)) {
        if (auto r = CompleteJoin(company_id, held)) return r;
      }
      return Repeat(company_id, derived);
    }
  }
  // The claim moved on to a later alert, or moves now: the claim item says.
  alert["id"] = NewId(now_us);
  auto claim = ctx_->store->GetItem({t::kAlerts, {company_id, claim_id}});
  if (claim.ok()) {
    return OnClaim(company_id, core::RepeatClaim::FromItem(std::move(claim).value()), delivery_id, alert, in,
                   now_us, attempt, /*alert_first=*/true);
  }
  if (!claim.status().IsNotFound()) ThrowIfError(claim.status(), "delivery record");
  json fresh = ClaimItem(company_id, claim_id, alert["id"].get<std::string>(), now_us);
  Status s = ctx_->store->PutItem(
      {t::kAlerts, std::move(fresh), store::Condition::ItemNotExists("company_id"), /*defer_sync=*/true});
  if (s.IsConditionFailed()) return std::nullopt;  // a concurrent delivery moved it: read again
  ThrowIfError(s, "delivery record");
  return StoreFirst(company_id, std::move(alert), in);
}

std::optional<IngestResult> AlertService::StoreFirst(const std::string& company_id, json alert,
                                                     const AlertInput& in) {
  AssetInfo asset = assets_->Touch(company_id, in.asset_name);
  alert["asset_id"] = asset.id;
  CorrelationInput ci = CorrelationInputFor(alert, in, asset);
  IngestResult r;
  core::MatchFacts facts;
  const core::SuppressionDecision noise = DecideNoise(company_id, in, ctx_->clock->NowMicros(), &facts);
  std::string expected;
  if (!MarkSuppressed(noise, alert, r)) {
    expected = incidents_->ExpectIncident(company_id, &ci);
    if (!expected.empty()) alert["correlated_incident_id"] = expected;
  }
  list_index::StampAlert(alert);  // again: the id may differ from NewAlert's
  // The claim. Durable before anything else of this alert is written: an
  // alert that fails here was counted nowhere.
  Status s = ctx_->store->PutItem({t::kAlerts, alert, store::Condition::ItemNotExists("company_id")});
  if (s.IsConditionFailed()) {
    // Ours when the write's answer was lost and the store retried it (the
    // same instant of receipt and content); else another delivery's.
    auto held = ctx_->store->GetItem({t::kAlerts, {company_id, ci.alert_id}});
    ThrowIfError(held.status().IsNotFound() ? Status::OK() : held.status(), "alert");
    const bool ours = held.ok() && held->value("received_at", "") == alert.value("received_at", "") &&
                      held->value("message", "") == in.message;
    if (!ours) return std::nullopt;
  } else {
    ThrowIfError(s, "alert");
  }
  const bool joins = noise.by == core::SuppressedBy::kNone;
  try {
    if (noise.inhibition_source) {
      json src = noise_->NoteSource(company_id, ci.alert_id, facts);
      ThrowIfError(ctx_->store->PutItem({t::kCompanyConfigs, std::move(src), {}}), "inhibition source");
    }
    if (joins) Join(company_id, ci, expected, r);
  } catch (...) {
    // The alert is stored but no incident counted it, and the sender is
    // told to retry (503): its retry would be a repeat of the stored alert.
    // The marker makes that retry complete the join (CompleteJoin).
    if (joins) MarkJoinPending(company_id, ci.alert_id);
    throw;
  }
  if (joins && r.incident_id.empty()) {
    alert.erase("correlated_incident_id");
  } else if (joins) {
    alert["correlated_incident_id"] = r.incident_id;
  }
  return Stored(company_id, ci.alert_id, noise, std::move(alert), std::move(r));
}

void AlertService::Join(const std::string& company_id, const CorrelationInput& ci,
                        const std::string& named, IngestResult& r) {
  CorrelationResult c = incidents_->Correlate(company_id, ci);
  r.incident_id = c.incident_id;
  r.incident_created = c.created;
  if (r.incident_id != named) {
    // The guess was wrong (another replica opened it, it was resolved
    // meanwhile, a gathered group opened it): the alert names what was decided.
    store::UpdateRequest u;
    u.table = t::kAlerts;
    u.key = {company_id, ci.alert_id};
    if (r.incident_id.empty()) {
      u.Remove("correlated_incident_id");
    } else {
      u.Set("correlated_incident_id", r.incident_id);
    }
    ThrowIfError(ctx_->store->UpdateItem(u).status(), "alert");
  }
  // Gathered below min_alerts_for_incident: an incident may have opened with
  // it meanwhile (and linked it).
  if (r.incident_id.empty()) r.incident_id = incidents_->LinkIfOpened(company_id, ci);
}

void AlertService::MarkJoinPending(const std::string& company_id, const std::string& alert_id) {
  store::UpdateRequest u;
  u.table = t::kAlerts;
  u.key = {company_id, alert_id};
  u.condition = store::Condition::ItemExists("company_id");
  u.Set(kJoinPending, true);
  Status s = ctx_->store->UpdateItem(u).status();
  // Best effort: the caller answers 503 anyway. Unmarked, the retry is a
  // plain repeat (the gap this marker closes, docs/dynamodb.md).
  if (!s.ok()) {
    spdlog::warn("alert {} of company {} is stored but not joined to its incident, and could not be marked "
                 "for its retry to join: {}",
                 alert_id, company_id, s.ToString());
  }
}

bool AlertService::JoinPending(const json& held) {
  return held.value(kJoinPending, false) && !held.contains("suppressed_by");
}

std::optional<IngestResult> AlertService::CompleteJoin(const std::string& company_id, const json& held) {
  // The stored alert decides, not the retry's body (a retry by delivery id
  // may differ from what was stored).
  AlertInput in;
  in.asset_name = held.value("asset_name", "");
  in.signature = held.value("signature", "");
  in.message = held.value("message", "");
  in.severity = held.value("severity", "");
  in.tool_source = held.value("tool_source", "");
  in.status = held.value("status", "");
  const AssetInfo asset = assets_->Touch(company_id, in.asset_name);
  const CorrelationInput ci = CorrelationInputFor(held, in, asset);
  IngestResult r;
  Join(company_id, ci, held.value("correlated_incident_id", ""), r);  // throws: 503, the marker stays
  store::UpdateRequest u;
  u.table = t::kAlerts;
  u.key = {company_id, ci.alert_id};
  u.condition = store::Condition().Exists(kJoinPending);
  u.Remove(kJoinPending);
  Status s = ctx_->store->UpdateItem(u).status();
  if (s.IsConditionFailed()) return std::nullopt;  // another delivery completed it: a repeat
  ThrowIfError(s, "alert");
  json alert = held;
  alert.erase(kJoinPending);
  if (r.incident_id.empty()) {
    alert.erase("correlated_incident_id");
  } else {
    alert["correlated_incident_id"] = r.incident_id;
  }
  // Answered and counted as the first accepted delivery (docs/correlation.md, "Repeats").
  return Stored(company_id, ci.alert_id, {}, std::move(alert), std::move(r));
}

}  // namespace aw::services
