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

#include <memory>
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
  // How long a replica may reuse the users directory it read for a role
  // audience, when another process can change users (DynamoDB).
  static constexpr int64_t kSharedDirectoryMicros = 5'000'000;

  // `mailer` may be null (email disabled). `exclusive_store`: this process
  // makes every change to users (the embedded store): the directory is read
  // for every role audience, as before. Otherwise (DynamoDB, several
  // replicas) a directory read is reused for at most kSharedDirectoryMicros
  // while no user was created, changed or deleted through this replica
  // (UserService::changes): one Query per 5 s instead of one per new
  // critical/high incident. Why that staleness is safe: a user added,
  // removed, given another role or other companies through THIS replica
  // counts at once; through another replica within 5 s - the bound
  // docs/dynamodb.md states for API keys and every intake setting. Explicit
  // recipients (user_ids) are always read.
  NotificationService(Context* ctx, UserService* users, Mailer* mailer, bool exclusive_store = true)
      : ctx_(ctx), users_(users), mailer_(mailer), directory_ttl_us_(exclusive_store ? 0 : kSharedDirectoryMicros) {}

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
  // Every user item of the directory (see the constructor for its reuse).
  std::shared_ptr<const std::vector<nlohmann::json>> Directory();
  void NotifyAssignee(const nlohmann::json& incident);

  Context* ctx_;
  UserService* users_;
  Mailer* mailer_;
  // Last assignee notified per incident (bounded), to skip the marker write
  // on the many updates that do not change the assignment.
  std::mutex assign_mu_;
  std::unordered_map<std::string, std::string> assignees_;
  const int64_t directory_ttl_us_;  // 0: read every time
  std::mutex directory_mu_;
  std::shared_ptr<const std::vector<nlohmann::json>> directory_;
  int64_t directory_read_us_ = 0;
  uint64_t directory_changes_ = 0;  // users_->changes() before it was read
};

}  // namespace aw::services
