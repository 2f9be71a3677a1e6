#include "services/intake/alert_service.h"

#include "services/intake/alert_list.h"
#include "services/intake/intake_pipeline.h"
#include "services/list_index.h"
#include "services/merged_query.h"
#include "services/sharded_query.h"

#include <algorithm>
#include <chrono>
#include <thread>

#include "base/errors.h"
#include "base/ids.h"
#include "base/time_format.h"
#include "core/correlate.h"
#include "core/records.h"
#include "crypto/hash.h"
#include "store/tables.h"

namespace aw::services {

namespace t = store::tables;
using nlohmann::json;

namespace {

// What the server adds to an alert beyond its request body: ids, company,
// times, status, TTL, the X-Delivery-ID header (at most 256 characters,
// escaped), asset and incident ids, attribute names. Generous on purpose.
constexpr size_t kServerAddedBytes = 8 * 1024;

}  // namespace

AlertService::Flight::Flight(AlertService* self, std::string key) : self_(self), key_(std::move(key)) {
  std::shared_future<void> other;
  {
    std::lock_guard<std::mutex> lock(self_->flights_mu_);
    auto it = self_->flights_.find(key_);
    if (it != self_->flights_.end()) {
      other = it->second;
    } else {
      self_->flights_[key_] = done_.get_future().share();
      taken_ = true;
    }
  }
  if (other.valid()) other.wait();
}

AlertService::Flight::~Flight() {
  if (!taken_) return;
  std::lock_guard<std::mutex> lock(self_->flights_mu_);
  self_->flights_.erase(key_);
  done_.set_value();
}

json AlertService::NewAlert(const std::string& company_id, const AlertInput& in, const std::string& delivery_id,
                            int64_t now_us) const {
  const std::string now = FormatIso8601Micros(now_us);
  const std::string ts = in.timestamp_micros ? FormatIso8601Micros(*in.timestamp_micros) : now;
  const int64_t ttl = now_us / 1'000'000 + int64_t{ctx_->settings.alert_ttl_days} * 86400;
  json alert = {
      {"company_id", company_id},
      {"id", NewId(now_us)},
      {"asset_name", in.asset_name},
      {"signature", in.signature},
      {"severity", in.severity},
      {"message", in.message},
      {"tool_source", in.tool_source},
      {"status", in.status},
      {"timestamp", ts},
      {"received_at", now},
      {"last_seen", now},
      {"delivery_attempts", 1},
      {"metadata", in.metadata},
      {"ttl", ttl},
  };
  if (!delivery_id.empty()) alert["delivery_id"] = delivery_id;
  list_index::StampAlert(alert);
  return alert;
}

std::string AlertService::ClaimId(const AlertInput& in, const std::string& delivery_id) {
  if (!delivery_id.empty()) return "dlv#" + crypto::Sha256Hex("id\n" + delivery_id);
  return "dlv#" + crypto::Sha256Hex("fp\n" + in.asset_name + '\n' + in.signature + '\n' + in.message);
}

bool AlertService::IngestAsync(const std::string& company_id, const AlertInput& in, const std::string& delivery_id,
                               std::function<void(IngestResult&&, std::exception_ptr)> done) {
  if (pipeline_ == nullptr || in.status != "active") return false;
  IntakeJob job;
  job.now_us = ctx_->clock->NowMicros();
  job.alert = NewAlert(company_id, in, delivery_id, job.now_us);
  // Room for the attributes the pipeline adds (asset and incident ids): an
  // alert that cannot be stored is refused here, never inside a unit. A
  // small request body bounds the item without serialising it to measure.
  const bool small = in.source_bytes > 0 && in.source_bytes * 6 + kServerAddedBytes < store::kMaxItemBytes;
  if (!small && store::ItemSize(job.alert) + 512 > store::kMaxItemBytes) {
    ThrowIfError(Status::InvalidArgument("the alert is larger than the 400 KB item limit; send less metadata"),
                 "alert");
  }
  job.company_id = company_id;
  job.claim_id = ClaimId(in, delivery_id);
  job.delivery_id = delivery_id;
  job.cfg = incidents_->CorrelationConfigFor(company_id);
  job.suppression = DecideNoise(company_id, in, job.now_us, &job.facts);
  job.in = in;
  job.done = std::move(done);
  pipeline_->Submit(std::move(job));
  return true;
}

IngestResult AlertService::Ingest(const std::string& company_id, const AlertInput& in,
                                  const std::string& delivery_id) {
  // Every write on the way is deferred (applied and visible, not yet
  // fsynced) except the last one - the alert itself, or a repeat's
  // increment - whose fsync makes all of them durable before the sender
  // hears back: one fsync per alert, shared with concurrent alerts.
  const int64_t now_us = ctx_->clock->NowMicros();
  json alert = NewAlert(company_id, in, delivery_id, now_us);
  if (pipeline_ == nullptr && in.status == "active") {
    return IngestClaimed(company_id, in, delivery_id, std::move(alert), now_us);
  }

  // A recovery notification is deduplicated by its delivery id only: its
  // fingerprint is that of the alert it resolves.
  if (core::Deduplicated(in.status, !delivery_id.empty())) {
    const std::string claim_id = ClaimId(in, delivery_id);
    for (int attempt = 0; attempt < 8; ++attempt) {
      auto claim = ctx_->store->GetItem({t::kAlerts, {company_id, claim_id}});
      if (claim.ok()) {
        auto r = OnClaim(company_id, core::RepeatClaim::FromItem(std::move(claim).value()), delivery_id,
                         alert, in, now_us, attempt);
        if (r) return std::move(*r);
        continue;
      }
      if (!claim.status().IsNotFound()) ThrowIfError(claim.status(), "delivery record");
      // Announce the flight before claiming, so local repeats wait for it.
      const std::string flight_key = company_id + '\n' + claim_id;
      Flight flight(this, flight_key);
      if (!flight.taken()) continue;  // another delivery landed meanwhile: look again
      json fresh = ClaimItem(company_id, claim_id, alert["id"].get<std::string>(), now_us);
      Status s = ctx_->store->PutItem(
          {t::kAlerts, std::move(fresh), store::Condition::ItemNotExists("company_id"), /*defer_sync=*/true});
      if (s.IsConditionFailed()) continue;  // a concurrent delivery won: it is a repeat
      ThrowIfError(s, "delivery record");
      return Store(company_id, std::move(alert), in);
    }
    Throw(ErrorKind::kUnavailable, "intake_contention", "this alert is being delivered concurrently; retry", 1);
  }
  return Store(company_id, std::move(alert), in);
}

json AlertService::ClaimItem(const std::string& company_id, const std::string& claim_id,
                             const std::string& alert_id, int64_t now_us) {
  core::RepeatClaim c;
  c.company_id = company_id;
  c.id = claim_id;
  c.alert_id = alert_id;
  c.created_us = now_us;
  c.ttl = now_us / 1'000'000 + 24 * 3600;
  return c.ToItem();
}

std::optional<IngestResult> AlertService::OnClaim(const std::string& company_id,
                                                  const core::RepeatClaim& held,
                                                  const std::string& delivery_id, json& alert,
                                                  const AlertInput& in, int64_t now_us, int attempt,
                                                  bool alert_first) {
  const std::string& first_id = held.alert_id;
  std::optional<json> first;
  if (!first_id.empty()) {
    auto r = ctx_->store->GetItem({t::kAlerts, {company_id, first_id}});
    if (r.ok()) {
      first = std::move(r).value();
    } else if (!r.status().IsNotFound()) {
      ThrowIfError(r.status(), "alert");
    }
  }
  const core::RepeatFacts facts{first_id, first.has_value(), first ? first->value("status", "") : "",
                                !delivery_id.empty()};
  const core::RepeatAction action = core::DecideRepeat(facts);
  if (action == core::RepeatAction::kRepeat) {
    if (alert_first && JoinPending(*first)) {  // (a kRepeat has found `first`)
      if (auto r = CompleteJoin(company_id, *first)) return r;
    }
    return Repeat(company_id, first_id);
  }
  if (action == core::RepeatAction::kNewOccurrence) {
    store::Condition c;
    c.Equals("alert_id", first_id);
    json fresh = ClaimItem(company_id, held.id, alert["id"].get<std::string>(), now_us);
    Status s = ctx_->store->PutItem({t::kAlerts, std::move(fresh), c, /*defer_sync=*/true});
    if (s.IsConditionFailed()) return std::nullopt;
    ThrowIfError(s, "delivery record");
    if (alert_first) return StoreFirst(company_id, std::move(alert), in);
    return Store(company_id, std::move(alert), in);
  }
  // The claim's alert is not written yet: its first delivery is in
  // flight (here or on another replica), or crashed between its
  // writes. Wait for it a little; then repair by writing it.
  const std::string flight_key = company_id + '\n' + held.id;
  std::shared_future<void> flight;
  {
    std::lock_guard<std::mutex> lock(flights_mu_);
    auto it = flights_.find(flight_key);
    if (it != flights_.end()) flight = it->second;
  }
  if (flight.valid()) {
    flight.wait();
    return std::nullopt;
  }
  const int64_t claim_age_us = now_us - (held.created_us != 0 ? held.created_us : now_us);
  if (claim_age_us < 2'000'000 && attempt < 3) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50 << attempt));
    return std::nullopt;
  }
  alert["id"] = first_id;
  if (alert_first) return StoreFirst(company_id, std::move(alert), in);
  return Store(company_id, std::move(alert), in);
}

CorrelationInput CorrelationInputFor(const json& alert, const AlertInput& in, const AssetInfo& asset) {
  CorrelationInput ci;
  ci.alert_id = alert["id"].get<std::string>();
  ci.asset_name = in.asset_name;
  ci.asset_id = asset.id;
  ci.signature = in.signature;
  ci.message = in.message;
  ci.severity = in.severity;
  ci.tool_source = in.tool_source;
  ci.timestamp = alert["timestamp"].get<std::string>();
  ci.critical_asset = asset.is_critical;
  return ci;
}

core::SuppressionDecision AlertService::DecideNoise(const std::string& company_id, const AlertInput& in,
                                                    int64_t now_us, core::MatchFacts* facts) const {
  if (noise_ == nullptr || in.status != "active") return {};
  return noise_->Decide(company_id, in.asset_name, in.signature, in.severity, in.tool_source, in.metadata,
                        now_us, facts);
}

bool AlertService::MarkSuppressed(const core::SuppressionDecision& noise, json& alert, IngestResult& r) {
  if (noise.by == core::SuppressedBy::kNone) return false;
  NoiseService::Mark(alert, noise);  // stored and visible; no incident, nobody notified
  r.suppressed = core::SuppressedByName(noise.by);
  return true;
}

IngestResult AlertService::Store(const std::string& company_id, json alert, const AlertInput& in) {
  AssetInfo asset = assets_->Touch(company_id, in.asset_name);
  alert["asset_id"] = asset.id;
  const CorrelationInput ci = CorrelationInputFor(alert, in, asset);
  IngestResult r;
  // Noise control, after repeat removal and before correlation. A recovery
  // is never suppressed: it only ends things (and ends inhibition sources).
  core::MatchFacts facts;
  const core::SuppressionDecision noise = DecideNoise(company_id, in, ctx_->clock->NowMicros(), &facts);
  if (noise.inhibition_source) {
    json src = noise_->NoteSource(company_id, ci.alert_id, facts);
    ThrowIfError(ctx_->store->PutItem({t::kCompanyConfigs, std::move(src), {}, /*defer_sync=*/true}),
                 "inhibition source");
  }
  const bool suppressed = MarkSuppressed(noise, alert, r);
  if (!suppressed && in.status == "resolved") {
    if (noise_ != nullptr) noise_->OnRecovery(company_id, in.asset_name, in.signature);
    r.incident_id = incidents_->ResolveByKey(company_id, ci);
  } else if (!suppressed) {
    CorrelationResult c = incidents_->Correlate(company_id, ci);
    r.incident_id = c.incident_id;
    r.incident_created = c.created;
  }
  if (!r.incident_id.empty()) alert["correlated_incident_id"] = r.incident_id;
  // A repeat that raced us may have written this very alert already (crash
  // repair); that is the same alert, not an error.
  list_index::StampAlert(alert);  // again: the id may have changed since NewAlert (a repeat's claim)
  Status s = ctx_->store->PutItem({t::kAlerts, alert, store::Condition::ItemNotExists("company_id")});
  if (s.IsConditionFailed()) {
    // Written already (a racing repair): nothing of ours was fsynced yet.
    ThrowIfError(ctx_->store->Sync(), "alert");
  } else {
    ThrowIfError(s, "alert");
  }
  if (r.incident_id.empty() && in.status == "active" && noise.by == core::SuppressedBy::kNone) {
    // Left waiting below the threshold: an incident may have opened with
    // it while this alert was being written.
    r.incident_id = incidents_->LinkIfOpened(company_id, ci);
  }
  return Stored(company_id, ci.alert_id, noise, std::move(alert), std::move(r));
}

IngestResult AlertService::Stored(const std::string& company_id, const std::string& alert_id,
                                  const core::SuppressionDecision& noise, json alert, IngestResult r) {
  if (noise.by != core::SuppressedBy::kNone) {
    kpis_->Add(company_id, {{"alerts_total", 1}, {NoiseService::KpiCounter(noise.by), 1}});
  } else {
    kpis_->Add(company_id, {{"alerts_total", 1}});
  }
  json view = alert;
  view.erase("ttl");
  list_index::HideAttrs(view);
  if (!r.incident_id.empty()) view["correlated_incident_id"] = r.incident_id;
  ctx_->events->Publish({"alert_received", company_id, std::move(view), ""});
  r.alert_id = alert_id;
  r.company_id = company_id;
  r.alert = std::move(alert);
  return r;
}

IngestResult AlertService::Repeat(const std::string& company_id, const std::string& alert_id) {
  int64_t attempts = repeats_.Submit(
      company_id + '\n' + alert_id, 1, [this, &company_id](const std::string& key, std::vector<int>& ops) {
        const std::string id = key.substr(key.find('\n') + 1);
        store::UpdateRequest u;
        u.table = t::kAlerts;
        u.key = {company_id, id};
        u.condition = store::Condition::ItemExists("company_id");
        // Durable: the last write of every repeat in this group.
        u.Add("delivery_attempts", static_cast<int64_t>(ops.size())).Set("last_seen", ctx_->Now());
        auto r = ctx_->store->UpdateItem(u);
        ThrowIfError(r.status(), "alert");
        // Each caller of the group gets its own attempt number.
        const int64_t last = r->value("delivery_attempts", int64_t{1});
        std::vector<int64_t> out(ops.size());
        for (size_t i = 0; i < ops.size(); ++i) out[i] = last - static_cast<int64_t>(ops.size() - 1 - i);
        return out;
      });
  kpis_->Add(company_id, {{"alerts_repeated", 1}});
  IngestResult out;
  out.alert_id = alert_id;
  out.company_id = company_id;
  out.duplicate = true;
  out.delivery_attempts = attempts;
  return out;
}

Page AlertService::List(const Principal& p, const AlertFilter& f, const std::vector<std::string>& all_ids) {
  if (f.company_id.empty() && UsesShardedLists(p)) return ListAlertsAcrossCompanies(ctx_->store, p, f);
  MergedQuery q;
  if (!f.company_id.empty()) {
    RequireSee(p, f.company_id);
    q.partitions.push_back(f.company_id);
  } else if (p.IsMspAdmin()) {
    q.partitions = all_ids;
  } else {
    q.partitions = p.company_ids;
  }
  q.table = t::kAlerts;
  q.index = t::kAlertsByTimeIndex;
  q.limit = f.limit;
  q.cursor = f.cursor;
  q.order = [](const json& a) { return a.value("timestamp", "") + "|" + a.value("id", ""); };
  if (!f.status.empty()) {
    std::string status = f.status;
    q.keep = [status](const json& a) { return a.value("status", "") == status; };
  }
  Page page = RunMergedQuery(ctx_->store, q);
  for (auto& a : page.items) {
    a.erase("ttl");
    list_index::HideAttrs(a);
  }
  return page;
}

}  // namespace aw::services
