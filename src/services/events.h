#pragma once

// Live events (issue: incident response, WebSocket). Services publish what
// happened to a company; the WebSocket hub (services/event_hub.h) assigns
// ids, keeps a bounded replay window and delivers to entitled clients.
//
// Publish must never block or throw: intake calls it on the request path.
// Thread-safe.

#include <string>

#include <nlohmann/json.hpp>

namespace aw::services {

struct Event {
  std::string type;        // alert_received | incident_created | incident_updated | notification |
                           // chat_message | sla_warning | sla_breach | incident_escalated | ...
  std::string company_id;  // who may see it: clients entitled to this company
  nlohmann::json data;     // the API view of the object
  std::string user_id;     // when set, only this user receives it (e.g. "notification")
};

class EventSink {
 public:
  virtual ~EventSink() = default;
  virtual void Publish(Event e) = 0;
};

// Drops everything; the default until a hub is wired.
class NullEventSink final : public EventSink {
 public:
  void Publish(Event) override {}
  static NullEventSink* Instance();
};

}  // namespace aw::services
