#include "services/intake/intake_pipeline.h"

#include <spdlog/spdlog.h>

#include "base/error_ptr.h"
#include "base/errors.h"
#include "base/thread_name.h"
#include "base/time_format.h"
#include "core/correlate.h"
#include "services/incidents/correlate_local.h"
#include "services/list_index.h"
#include "services/txn_items.h"
#include "store/tables.h"

namespace aw::services {

namespace t = store::tables;
using nlohmann::json;

struct IntakePipeline::Unit {
  bool ran = false;  // Run took its jobs
  std::vector<IntakeJob> jobs;
  std::vector<IngestResult> results;
  std::vector<std::exception_ptr> failed;  // per job: why it alone failed
  std::exception_ptr error;  // what failed the unit, when Run threw
  // After commit:
  LocalEffects fx;
  std::vector<std::pair<std::string, json>> announce;  // (type, incident item)
  std::vector<std::pair<std::string, AssetInfo>> new_assets;
  std::vector<store::Key> new_alerts;                   // for alert_received
  std::vector<json> alert_views;
  size_t claims_written = 0;
};

IntakePipeline::IntakePipeline(Context* ctx, AssetService* assets, IncidentService* incidents, KpiService* kpis,
                               NoiseService* noise)
    : ctx_(ctx), assets_(assets), incidents_(incidents), kpis_(kpis), noise_(noise) {
  fx_thread_ = std::thread([this] { EffectsLoop(); });
}

IntakePipeline::~IntakePipeline() { Stop(); }

void IntakePipeline::Submit(IntakeJob job) {
  bool schedule = false;
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (!stopping_) {
      queue_.push_back(std::move(job));
      ++open_jobs_;
      schedule = !scheduled_;
      scheduled_ = true;
      job.done = nullptr;
    }
  }
  if (job.done) {  // stopping: not taken
    job.done({}, ErrorPtr(ApiError(ErrorKind::kUnavailable, "shutting_down", "the server is shutting down; retry", 2)));
    return;
  }
  if (schedule) Schedule();
}

void IntakePipeline::Schedule() {
  auto u = std::make_shared<Unit>();
  bool queued = ctx_->store->RunAtomic([this, u](store::AtomicTxn& txn) { return Run(txn, *u); },
                                       [this, u](Status s) { Finish(u, s); });
  if (!queued) Finish(u, Status::Internal("the store cannot run the intake pipeline"));
}

Status IntakePipeline::Run(store::AtomicTxn& txn, Unit& u) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    u.jobs.swap(queue_);
    scheduled_ = false;
  }
  u.ran = true;
  u.failed.assign(u.jobs.size(), nullptr);
  // TxnItems writes nothing before Flush, so an alert that cannot be
  // processed (an unreadable stored item, say) is dropped from the unit by
  // starting it again without that alert: it alone gets the error.
  while (true) {
    u.results.assign(u.jobs.size(), IngestResult{});
    u.fx = {};
    u.new_assets.clear();
    u.new_alerts.clear();
    u.claims_written = 0;
    TxnItems items(txn);
    try {
      bool restart = false;
      for (size_t i = 0; i < u.jobs.size() && !restart; ++i) {
        if (u.failed[i]) continue;
        try {
          Process(items, u.jobs[i], u.results[i], u);
        } catch (const ApiError&) {
          throw;  // the store failed: the whole unit fails
        } catch (const std::exception& e) {
          spdlog::error("intake: alert for company {} cannot be processed: {}", u.jobs[i].company_id, e.what());
          u.failed[i] = std::current_exception();
          restart = true;
        }
      }
      if (restart) continue;
      if (Status s = items.Flush(); !s.ok()) return s;
      // Written: the items are moved out for the announcements, not copied.
      for (const auto& [id, change] : u.fx.changed) {
        if (auto inc = items.Take(t::kIncidents, {change.first, id})) u.announce.emplace_back(change.second, std::move(*inc));
      }
      u.alert_views.reserve(u.new_alerts.size());
      for (const auto& key : u.new_alerts) {
        if (auto a = items.Take(t::kAlerts, key)) {
          a->erase("ttl");
          list_index::HideAttrs(*a);
          u.alert_views.push_back(std::move(*a));
        }
      }
      return Status::OK();
    } catch (...) {
      u.error = std::current_exception();
      return Status::Unavailable("the intake unit failed");
    }
  }
}

// One alert, inside the unit (so no condition or retry is needed): the
// repeat and correlation rules of core/correlate.h.
void IntakePipeline::Process(TxnItems& items, const IntakeJob& job, IngestResult& r, Unit& u) {
  const std::string& company_id = job.company_id;
  json alert = job.alert;  // the job stays intact for a restart of the unit
  std::string alert_id = alert["id"].get<std::string>();
  r.company_id = company_id;

  if (ApplyRepeat(items, job, &alert, &alert_id, r, u)) return;
  // The claim, made or re-pointed to this alert: written with it.
  items.Put(t::kAlerts, {company_id, job.claim_id},
            AlertService::ClaimItem(company_id, job.claim_id, alert_id, job.now_us));
  ++u.claims_written;

  bool remember = false;
  AssetInfo asset = assets_->TouchLocal(items, company_id, job.in.asset_name, &remember);
  if (remember) u.new_assets.emplace_back(company_id, asset);
  alert["asset_id"] = asset.id;
  const store::Key alert_key{company_id, alert_id};
  if (job.suppression.by != core::SuppressedBy::kNone) {
    // Stored and visible, but no incident (so no notification).
    NoiseService::Mark(alert, job.suppression);
    items.Put(t::kAlerts, alert_key, std::move(alert));
    u.new_alerts.push_back(alert_key);
    u.fx.kpis.push_back({company_id, {{"alerts_total", 1}, {NoiseService::KpiCounter(job.suppression.by), 1}}});
    r.alert_id = alert_id;
    r.suppressed = core::SuppressedByName(job.suppression.by);
    return;
  }
  if (job.suppression.inhibition_source && noise_ != nullptr) {
    json src = noise_->NoteSource(company_id, alert_id, job.facts);
    const store::Key src_key{src["company_id"].get<std::string>(), src["config_type"].get<std::string>()};
    items.Put(t::kCompanyConfigs, src_key, std::move(src));
  }
  const CorrelationInput ci = CorrelationInputFor(alert, job.in, asset);
  CorrelationResult c = CorrelateLocal(*incidents_, items, company_id, job.cfg, ci, job.now_us, &u.fx);
  if (!c.incident_id.empty()) alert["correlated_incident_id"] = c.incident_id;
  items.Put(t::kAlerts, alert_key, std::move(alert));
  u.new_alerts.push_back(alert_key);
  u.fx.kpis.push_back({company_id, {{"alerts_total", 1}}});
  r.alert_id = alert_id;
  r.incident_id = c.incident_id;
  r.incident_created = c.created;
}

// The repeat rule (core::DecideRepeat) for one alert of the unit: true when
// it is a repeat (answered in `r`, nothing else to do); else `alert` and
// `alert_id` are what to write (the claimed id when its alert was never
// written).
bool IntakePipeline::ApplyRepeat(TxnItems& items, const IntakeJob& job, json* alert, std::string* alert_id,
                                 IngestResult& r, Unit& u) {
  const std::string& company_id = job.company_id;
  // The claim item: made by an earlier alert of this unit (TxnItems keeps
  // it), of an earlier unit, or by the conditional path (resolved alerts).
  // An expired claim reads as absent.
  std::optional<std::string> claimed;
  if (const json* claim = items.Get(t::kAlerts, {company_id, job.claim_id})) {
    claimed = claim->value("alert_id", "");
  }
  json* first = claimed && !claimed->empty() ? items.Get(t::kAlerts, {company_id, *claimed}) : nullptr;
  const core::RepeatFacts facts{claimed, first != nullptr, first ? first->value("status", "") : "",
                                !job.delivery_id.empty()};
  switch (core::DecideRepeat(facts)) {
    case core::RepeatAction::kRepeat: {
      const int64_t attempts = first->value("delivery_attempts", int64_t{1}) + 1;
      (*first)["delivery_attempts"] = attempts;
      (*first)["last_seen"] = FormatIso8601Micros(job.now_us);
      items.Touch(t::kAlerts, {company_id, *claimed});
      r.alert_id = *claimed;
      r.duplicate = true;
      r.delivery_attempts = attempts;
      u.fx.kpis.push_back({company_id, {{"alerts_repeated", 1}}});
      return true;
    }
    case core::RepeatAction::kWriteUnderClaim:
      // A crash of the conditional path between its writes (this pipeline
      // writes a claim and its alert together).
      *alert_id = *claimed;
      (*alert)["id"] = *alert_id;
      list_index::StampAlert(*alert);
      break;
    case core::RepeatAction::kNew:
    case core::RepeatAction::kNewOccurrence:
      break;
  }
  return false;
}

void IntakePipeline::Finish(const std::shared_ptr<Unit>& u, const Status& s) {
  if (!u->ran) {  // the store refused the unit before running it
    std::lock_guard<std::mutex> lock(mu_);
    u->jobs.swap(queue_);
    scheduled_ = false;
    u->results.resize(u->jobs.size());
  }
  if (!s.ok()) {
    std::exception_ptr e = u->error ? u->error : ErrorPtr(s, "alert");
    spdlog::error("intake: a unit of {} alerts failed and was not written: {}", u->jobs.size(), s.ToString());
    for (auto& job : u->jobs) job.done({}, e);
    // Nothing was written: no effects. Retire the jobs now.
    std::lock_guard<std::mutex> lock(mu_);
    open_jobs_ -= u->jobs.size();
    jobs_done_ += u->jobs.size();
    ++units_;
    idle_cv_.notify_all();
    return;
  }
  {
    std::lock_guard<std::mutex> lock(fx_mu_);
    fx_queue_.push_back(u);
  }
  fx_cv_.notify_one();
}

void IntakePipeline::EffectsLoop() {
  SetThreadName("aw-intake-fx");
  std::unique_lock<std::mutex> lock(fx_mu_);
  while (true) {
    fx_cv_.wait(lock, [&] { return !fx_queue_.empty() || fx_stop_; });
    if (fx_queue_.empty()) return;
    std::shared_ptr<Unit> u = std::move(fx_queue_.front());
    fx_queue_.pop_front();
    lock.unlock();
    try {
      for (const auto& [company_id, info] : u->new_assets) assets_->Remember(company_id, info);
      std::map<std::string, Deltas> kpis;
      for (const auto& [company_id, deltas] : u->fx.kpis) {
        Deltas& d = kpis[company_id];
        for (const auto& [k, v] : deltas) d[k] += v;
      }
      for (const auto& [company_id, deltas] : kpis) kpis_->Add(company_id, deltas);
      incidents_->AnnounceLocal(std::move(u->announce));
      for (auto& view : u->alert_views) {
        std::string company_id = view.value("company_id", "");
        ctx_->events->Publish({"alert_received", std::move(company_id), std::move(view), ""});
      }
    } catch (const std::exception& e) {
      spdlog::error("intake: after-commit work failed (events or KPIs may be missing): {}", e.what());
    }
    // Answered last: a client that reads after the 202 sees the counters,
    // notifications and events of its alert.
    for (size_t i = 0; i < u->jobs.size(); ++i) {
      if (u->failed[i]) {
        u->jobs[i].done({}, u->failed[i]);
      } else {
        u->jobs[i].done(std::move(u->results[i]), nullptr);
      }
    }
    {
      std::lock_guard<std::mutex> g(mu_);
      open_jobs_ -= u->jobs.size();
      jobs_done_ += u->jobs.size();
      claims_written_ += u->claims_written;
      ++units_;
    }
    idle_cv_.notify_all();
    lock.lock();
  }
}

void IntakePipeline::Stop() {
  {
    std::unique_lock<std::mutex> lock(mu_);
    stopping_ = true;
    idle_cv_.wait(lock, [&] { return open_jobs_ == 0; });
  }
  {
    std::lock_guard<std::mutex> lock(fx_mu_);
    if (fx_stop_) return;
    fx_stop_ = true;
  }
  fx_cv_.notify_one();
  if (fx_thread_.joinable()) fx_thread_.join();
}

IntakePipeline::Stats IntakePipeline::stats() const {
  std::lock_guard<std::mutex> lock(mu_);
  return {jobs_done_, units_, claims_written_};
}

}  // namespace aw::services
