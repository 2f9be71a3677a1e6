#pragma once

// Heartbeats (dead-man switches): a job pings
// POST /api/heartbeats/{id}/ping with its company's API key at least every
// interval_seconds; when no ping arrived for interval_seconds +
// grace_seconds, the worker raises an alert `heartbeat_missed` for asset =
// the heartbeat's name through the normal intake (so it correlates,
// notifies and escalates); the next ping sends the matching recovery.
//
// Item: CompanyConfigs "heartbeat#<id>" (docs/data-model.md). The ping
// route knows the company from the API key, so the id needs no locator: a
// heartbeat of another company is simply not found (404).
//
// Exactly once per miss, on any number of replicas: the worker claims the
// miss with one conditional update (state not "missed" and expected_by_us
// unchanged since it was read), and only the winner sends the alert; a ping
// claims the recovery the same way (state = "missed"). The claim comes
// first, as with escalation levels: a crash between a claim and its alert
// loses that alert rather than sending it twice.
//
// Thread-safe; API methods may throw ApiError.

#include <nlohmann/json.hpp>
#include <string>

#include "services/intake/alert_service.h"
#include "services/context.h"
#include "services/page.h"
#include "services/identity/principal.h"

namespace aw::services {

class HeartbeatService {
 public:
  HeartbeatService(Context* ctx, AlertService* alerts) : ctx_(ctx), alerts_(alerts) {}

  Page List(const std::string& company_id, int limit, const std::string& cursor);
  nlohmann::json Create(const Principal& p, const std::string& company_id, const nlohmann::json& body);
  void Delete(const std::string& company_id, const std::string& heartbeat_id);
  // 404 when the company has no such heartbeat. Returns the heartbeat's
  // view and whether this ping resolved a miss.
  nlohmann::json Ping(const std::string& company_id, const std::string& heartbeat_id);

  // Worker step: raises the misses that are due in this company. Returns
  // how many alerts this call raised.
  int Check(const std::string& company_id);

 private:
  nlohmann::json View(nlohmann::json item) const;
  bool RaiseMiss(const nlohmann::json& hb);
  void Send(const std::string& company_id, const AlertInput& in, const std::string& delivery_id);

  Context* ctx_;
  AlertService* alerts_;
};

}  // namespace aw::services
