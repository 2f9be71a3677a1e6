#pragma once

// Incidents: correlation of alerts as they arrive, and the incident API.
//
// Correlation (see docs/correlation.md). Per company and correlation key a
// pointer item (Incidents: "<company_id>#corr", "ptr#<sha256(key)>") names
// the open incident for that key. An alert joins it when it is open and its
// last alert is within the company's time window; otherwise a new incident
// is opened by a conditional put of the pointer, so concurrent alerts (and
// replicas) agree on exactly one incident. Joins to one incident are
// coalesced (Combiner): one versioned update per group of alerts. Below
// min_alerts_for_incident, alerts gather on the pointer until enough arrive.
//
// Thread-safe; methods may throw ApiError.

#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/correlate.h"
#include "core/correlation.h"
#include "services/combiner.h"
#include "services/config_service.h"
#include "services/context.h"
#include "services/kpi_service.h"
#include "services/page.h"
#include "services/identity/principal.h"
#include "services/incidents/incident_tags.h"

namespace aw::services {

// What correlation needs of one alert (the rules are core/correlate.h).
using CorrelationInput = core::CorrelationFacts;

struct CorrelationResult {
  std::string incident_id;  // empty: not (yet) part of an incident
  bool created = false;     // this alert's group opened the incident
};

struct IncidentFilter {
  std::string company_id;  // empty: every company the caller sees
  std::string status;      // empty: any
  std::string sort = "time";  // time | priority
  int limit = kDefaultPageSize;
  std::string cursor;
};

struct IncidentPatch {
  std::optional<std::string> status;
  std::optional<std::string> assigned_to;  // user id; "" unassigns
  std::optional<std::string> resolution_notes;
  std::optional<int64_t> version;  // when set, a stale version is 409
};

// Called after an incident changed durably: (event type, the incident's API
// view). Types: incident_created, incident_updated, incident_escalated.
// Listeners run on the request's thread: they must be quick and must not
// call back into IncidentService while holding their own locks.
using IncidentListener = std::function<void(const std::string& type, const nlohmann::json& incident)>;
// Called with a new incident item just before it is written, to add
// attributes (e.g. SLA deadlines). Must not throw.
using IncidentDecorator = std::function<void(const std::string& company_id, nlohmann::json& incident)>;

class IncidentService {
 public:
  IncidentService(Context* ctx, ConfigService* configs, KpiService* kpis)
      : ctx_(ctx), configs_(configs), kpis_(kpis), tags_(ctx) {}

  // Wiring, before the first request (not thread-safe against Correlate).
  void AddListener(IncidentListener l) { listeners_.push_back(std::move(l)); }
  void AddDecorator(IncidentDecorator d) { decorators_.push_back(std::move(d)); }

  core::CorrelationConfig CorrelationConfigFor(const std::string& company_id);
  nlohmann::json CorrelationConfigView(const std::string& company_id);
  // Validates every field (422 naming it) and stores the whole config.
  nlohmann::json PutCorrelationConfig(const std::string& company_id, const nlohmann::json& body);

  // Joins the alert to its incident or opens one. Durable on return.
  CorrelationResult Correlate(const std::string& company_id, const CorrelationInput& in);
  // DynamoDB intake, before the alert item is written: the incident the
  // alert will most likely belong to, so that item names it without a second
  // write. That is the key's incident as this replica last saw it, or a new
  // id that `in->new_incident_id` reserves for the incident the alert would
  // open. "" when the alert will not join at once (auto_correlate off,
  // min_alerts_for_incident > 1). Only a guess: Correlate decides, and the
  // caller corrects the alert when the guess was wrong (another replica
  // opened the incident, the incident was resolved meanwhile), so a stale
  // guess costs one more write, never a wrong link.
  std::string ExpectIncident(const std::string& company_id, CorrelationInput* in);
  // A resolved alert for this key: resolves the matching active alerts of the
  // open incident, and the incident itself when none is left and the
  // company's config says so. Returns the incident id touched, if any.
  std::string ResolveByKey(const std::string& company_id, const CorrelationInput& in);
  // For an alert that was left waiting below min_alerts_for_incident: the
  // incident that took it in meanwhile (linking the alert to it), or "".
  std::string LinkIfOpened(const std::string& company_id, const CorrelationInput& in);

  // The company of an incident id, or "": the owner of the tag the id
  // carries (incident_tags.h), else its locator item (incidents opened by
  // the intake pipeline, by a company without a tag, or by the previous
  // release). `item`, when given, receives the incident when it was read on
  // the way (else it is left alone).
  std::string CompanyOf(const std::string& incident_id, nlohmann::json* item = nullptr);
  // 404 unless the caller may see it.
  nlohmann::json Get(const Principal& p, const std::string& incident_id);
  Page List(const Principal& p, const IncidentFilter& f, const std::vector<std::string>& all_company_ids);
  nlohmann::json Update(const Principal& p, const std::string& incident_id, const IncidentPatch& patch);
  nlohmann::json Acknowledge(const Principal& p, const std::string& incident_id);
  nlohmann::json Escalate(const Principal& p, const std::string& incident_id, const std::string& reason);
  Page Alerts(const Principal& p, const std::string& incident_id, int limit, const std::string& cursor);
  nlohmann::json Stats(const Principal& p, const std::string& company_id,
                       const std::vector<std::string>& all_company_ids);

  // The incident as the API shows it (internal attributes removed, priority
  // recomputed for the current age).
  nlohmann::json View(nlohmann::json item) const;  // by value: an item no longer needed is moved in

  uint64_t join_writes() const { return joins_.groups(); }

  // Adds the decorators' attributes (e.g. SLA deadlines) to a new incident
  // item before it is written. Used by the executors of core::Correlate.
  void Decorate(const std::string& company_id, nlohmann::json& incident) const {
    for (const auto& d : decorators_) d(company_id, incident);
  }
  // Tells the listeners of incidents changed by the intake pipeline
  // (services/incidents/correlate_local.h): (type, item).
  void AnnounceLocal(std::vector<std::pair<std::string, nlohmann::json>> changes);

 private:
  // The MSP admin's list of every company: the write-sharded indexes
  // (incident_list.cc), a fixed number of Queries per page.
  Page ListAcrossCompanies(const Principal& p, const IncidentFilter& f);
  // The DynamoDB executor of core::Correlate: version-checked conditional
  // writes, read again and retried when another writer got there first.
  std::vector<CorrelationResult> ApplyGroup(const std::string& company_id, const std::string& key,
                                            std::vector<CorrelationInput>& group);
  nlohmann::json LoadOwned(const Principal& p, const std::string& incident_id, std::string* company_id);
  nlohmann::json ApplyStatusChange(const Principal& p, const nlohmann::json& current, const IncidentPatch& patch);
  void Notify(const std::string& type, nlohmann::json incident);

  Context* ctx_;
  ConfigService* configs_;
  KpiService* kpis_;
  std::vector<IncidentListener> listeners_;
  std::vector<IncidentDecorator> decorators_;
  Combiner<CorrelationInput, CorrelationResult> joins_;
  std::mutex expect_mu_;
  std::unordered_map<std::string, std::string> expected_;  // company \n key -> incident id last seen
  IncidentTags tags_;  // new incident ids on the conditional path carry their company's tag
};

}  // namespace aw::services
