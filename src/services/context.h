#pragma once

// What every service needs, owned by app/ and passed by pointer. The
// pointers outlive the services.

#include <string>

#include "base/clock.h"
#include "crypto/secret_box.h"
#include "services/events.h"
#include "services/response/notifier.h"
#include "store/store.h"

namespace aw::services {

struct Settings {
  std::string jwt_secret;
  int jwt_expiration_hours = 24;
  int refresh_token_days = 30;
  int alert_ttl_days = 90;
  int audit_ttl_days = 365;
  // Failed logins for one account within the window before it is locked.
  int max_failed_logins = 5;
  int lockout_minutes = 15;
};

struct Context {
  store::Store* store = nullptr;
  const Clock* clock = nullptr;
  const crypto::SecretBox* secrets = nullptr;  // secrets at rest
  // Never null: no-op defaults until app/ wires the hub and the notifier.
  EventSink* events = NullEventSink::Instance();
  Notifier* notifier = NullNotifier::Instance();
  Settings settings;

  std::string Now() const;  // fixed-width ISO-8601 UTC with microseconds
};

}  // namespace aw::services
