#pragma once

// EventHub: the in-process fan-out of live events to WebSocket clients.
//
// Publish (from any thread, on the request path) assigns the next event id,
// keeps the event in a bounded replay window and appends it to the bounded
// queue of every subscription entitled to it. It never blocks on a client
// and never throws: it only takes short locks and enqueues. A subscription
// whose queue is full is marked overflowed (its events stop) and woken, so
// its owner disconnects it; other subscriptions are unaffected.
//
// Encoding: an event is serialised ({"type","data","id"}) and framed as a
// complete WebSocket text frame once, shared by every recipient, and only
// when a subscriber is entitled to it: with nobody listening for its company
// the event stays as JSON in the replay window and is encoded only if a
// reconnecting client asks for it.
//
// Coalescing: an incident_updated event replaces an incident_updated of the
// same incident still waiting in a subscription's queue (the client is
// behind: the socket is busy). The newer event takes its own place at the
// end of the queue, so ids stay increasing; the client gets the latest state
// and may miss intermediate ones (docs/api.md, "Live updates").
//
// Entitlement: an event with a user_id goes only to that user's
// subscriptions; any other event goes to subscriptions that may see its
// company (MSP admins: every company, including ones created later).
//
// Ids: strictly increasing within a process, starting at the hub's creation
// time in microseconds, so ids of a restarted process are larger than those
// of the previous one and a client resuming across a restart is told that
// its events are gone (replay_complete = false) instead of getting wrong ones.
//
// Replay: the last `replay_capacity` events. Subscribe(after_id) first
// queues the retained events with id > after_id that the subscriber is
// entitled to, atomically with registration: nothing is lost or doubled
// between the replay and live events. The window is per process: with
// several replicas each replays only the events it published itself.
//
// Thread safety: every method may be called from any thread. Lock order:
// hub, then subscription.

#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include <nlohmann/json.hpp>

#include "services/events.h"

namespace aw::services {

struct EventHubOptions {
  size_t replay_capacity = 10000;    // events kept for reconnecting clients
  size_t queue_bytes = 4 << 20;      // bytes of frames waiting for one client before it is cut off
};

// Who a subscription belongs to.
struct Audience {
  std::string user_id;
  bool all_companies = false;  // MSP admins
  std::vector<std::string> company_ids;

  bool Entitled(const std::string& event_company_id, const std::string& event_user_id) const;
};

// One event as it goes on the wire: a complete WebSocket frame, immutable
// and shared by every subscription that receives it.
struct WireFrame {
  std::string buf;            // kWsMaxHeaderBytes reserved, then the JSON payload
  size_t offset = 0;          // where the frame (header) starts in buf
  std::string coalesce_key;   // non-empty: superseded by a later queued frame with the same key

  std::string_view bytes() const { return std::string_view(buf).substr(offset); }
  std::string_view payload() const;
};
using Frame = std::shared_ptr<const WireFrame>;

// Encodes {"type","data","id"} as a text frame (see WireFrame).
Frame EncodeEvent(const std::string& type, const nlohmann::json& data, uint64_t id);

class Subscription {
 public:
  Subscription(Audience audience, size_t capacity_bytes)
      : audience_(std::move(audience)), capacity_bytes_(capacity_bytes) {}

  const Audience& audience() const { return audience_; }
  // Moves every queued frame to `out` (appending), in id order. Returns false
  // once the queue has overflowed: the owner must disconnect.
  bool Drain(std::vector<Frame>* out);
  bool overflowed() const;
  // `wake` is called (under the subscription's lock, so it must only post
  // work, never block or call back into the hub) when frames arrive on an
  // empty queue or the queue overflows.
  void SetWake(std::function<void()> wake);
  // Stops wake-ups; called by the owner before it goes away.
  void ClearWake();

 private:
  friend class EventHub;
  enum class PushResult { kQueued, kCoalesced, kOverflowed, kDropped };
  // kCoalesced: queued, replacing an older frame with the same key.
  // kOverflowed: this push made the queue overflow; kDropped: it had already.
  PushResult Push(const Frame& f);

  const Audience audience_;
  const size_t capacity_bytes_;
  mutable std::mutex mu_;
  std::deque<Frame> queue_;  // null entries: superseded (coalesced) frames
  uint64_t head_seq_ = 0;    // sequence number of queue_.front()
  size_t queued_bytes_ = 0;
  std::unordered_map<std::string, uint64_t> by_key_;  // coalesce key -> sequence number in queue_
  bool overflowed_ = false;
  std::function<void()> wake_;
};

struct SubscribeResult {
  std::shared_ptr<Subscription> subscription;
  uint64_t last_id = 0;          // id of the newest event published so far (0: none)
  bool replay_complete = true;   // false: some events after `after_id` left the window
  size_t replayed = 0;           // frames queued from the window
};

class EventHub final : public EventSink {
 public:
  EventHub(EventHubOptions opts, int64_t start_micros);

  void Publish(Event e) override;

  // Registers a subscription. When `after_id` is set (> 0), retained events
  // with a larger id that `audience` is entitled to are queued first.
  SubscribeResult Subscribe(Audience audience, uint64_t after_id = 0);
  void Unsubscribe(const std::shared_ptr<Subscription>& s);

  uint64_t last_id() const;
  size_t subscriber_count() const;
  uint64_t published() const;
  uint64_t overflows() const;
  uint64_t encoded() const;    // events serialised (the others had no entitled subscriber yet)
  uint64_t coalesced() const;  // queued incident_updated frames replaced by a newer one

 private:
  struct Retained {
    uint64_t id;
    std::string company_id;
    std::string user_id;
    std::string type;
    nlohmann::json data;  // until encoded (then null)
    Frame frame;          // null until a subscriber needed it
  };
  // Pushes `f` to `s`, counting and logging what happened. REQUIRES: mu_ held.
  void Deliver(Subscription& s, const Frame& f);
  // The frame of a retained event, encoded on first use. REQUIRES: mu_ held.
  const Frame& FrameOf(Retained& ev);

  const EventHubOptions opts_;
  mutable std::mutex mu_;
  uint64_t next_id_;
  std::deque<Retained> window_;
  std::vector<std::shared_ptr<Subscription>> subs_;
  uint64_t published_ = 0;
  uint64_t overflows_ = 0;
  uint64_t encoded_ = 0;
  uint64_t coalesced_ = 0;
};

}  // namespace aw::services
