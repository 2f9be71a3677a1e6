#pragma once

// Notifications to people: the Notifier behind ctx->notifier, the caller's
// own notification list (GET/PUT /api/notifications...), and the incident
// listener that turns incident changes into live events and notifications.
//
// Notify resolves the audience to real users (explicit ids that exist and
// may see the company; every user of the requested roles who may see it,
// read from the users directory), writes one Notifications item per user
// (partition user_id, sort key a time-ordered id, ttl 90 days), publishes a
// "notification" event to that user only, and queues an email when asked
// and a Mailer is configured. It never throws: failures are logged.
//
// The list methods act on the caller's own partition only, so a user can
// never see or change another's notifications (another's id is a 404).
//
// Thread-safe; list methods may throw ApiError.

#include <mutex>
#include <string>
#include <unordered_map>

#include <nlohmann/json.hpp>

#include "services/context.h"
#include "services/response/mailer.h"
#include "services/response/notifier.h"
#include "services/page.h"
#include "services/identity/principal.h"
#include "services/identity/user_service.h"

namespace aw::services {

inline constexpr int kNotificationTtlDays = 90;

class NotificationService final : public Notifier {
 public:
  // `mailer` may be null (email disabled).
  NotificationService(Context* ctx, UserService* users, Mailer* mailer) : ctx_(ctx), users_(users), mailer_(mailer) {}

  int Notify(const NotificationRequest& req) override;

  Page List(const Principal& p, int limit, bool unread_only, const std::string& cursor);
  // 404 when the caller has no notification with this id.
  nlohmann::json MarkRead(const Principal& p, const std::string& id);
  // Returns how many were marked.
  int MarkAllRead(const Principal& p);
  int UnreadCount(const Principal& p);

  // Incident listener (see IncidentService::AddListener): publishes the
  // event to the company's clients; notifies technicians and admins of a new
  // critical/high incident, and the assignee when assigned_to changes.
  void OnIncident(const std::string& type, const nlohmann::json& incident);

  static nlohmann::json View(const nlohmann::json& item);

 private:
  struct Recipient {
    std::string id;
    std::string email;
  };
  std::vector<Recipient> Resolve(const NotificationRequest& req);
  void NotifyAssignee(const nlohmann::json& incident);

  Context* ctx_;
  UserService* users_;
  Mailer* mailer_;
  // Last assignee notified per incident (bounded), to skip the marker write
  // on the many updates that do not change the assignment.
  std::mutex assign_mu_;
  std::unordered_map<std::string, std::string> assignees_;
};

}  // namespace aw::services
