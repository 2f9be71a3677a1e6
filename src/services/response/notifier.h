#pragma once

// Notifications to people (issue: incident response). Producers (incident
// creation, assignment, escalation, SLA monitor, approvals) describe who
// should hear about what; the NotificationService (services/notification_service.h)
// resolves the audience to real user ids, stores one Notifications item per
// user, publishes a "notification" event and queues email where wanted.
//
// Notify must not block on the network and must not throw: a failure is
// logged. Thread-safe.

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace aw::services {

struct NotificationRequest {
  std::string company_id;
  // Audience: explicit users, and/or every active user of these roles who
  // may see company_id ("msp_admin", "company_admin", "technician", "client").
  std::vector<std::string> user_ids;
  std::vector<std::string> roles;
  std::string type;      // incident_created | incident_assigned | escalation | sla_warning |
                         // sla_breach | approval_needed | ...
  std::string title;
  std::string message;
  std::string priority = "normal";  // low | normal | high | critical
  std::string incident_id;          // optional link
  nlohmann::json data = nlohmann::json::object();
  bool email = false;  // also send by email (when a mailer is configured)
};

class Notifier {
 public:
  virtual ~Notifier() = default;
  // Returns the number of users notified.
  virtual int Notify(const NotificationRequest& req) = 0;
};

class NullNotifier final : public Notifier {
 public:
  int Notify(const NotificationRequest&) override { return 0; }
  static NullNotifier* Instance();
};

}  // namespace aw::services
