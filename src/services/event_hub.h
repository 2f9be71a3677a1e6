#pragma once

// EventHub: the in-process fan-out of live events to WebSocket clients.
//
// Publish (from any thread, on the request path) assigns the next event id,
// serialises the frame {"type","data","id"} once, keeps it in a bounded
// replay window and appends it to the bounded queue of every subscription
// entitled to it. It never blocks on a client and never throws: it only
// takes short locks and enqueues. A subscription whose queue is full is
// marked overflowed (its events stop) and woken, so its owner disconnects
// it; other subscriptions are unaffected.
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
#include <vector>

#include "services/events.h"

namespace aw::services {

struct EventHubOptions {
  size_t replay_capacity = 10000;  // events kept for reconnecting clients
  size_t queue_capacity = 1024;    // frames waiting for one client before it is cut off
};

// Who a subscription belongs to.
struct Audience {
  std::string user_id;
  bool all_companies = false;  // MSP admins
  std::vector<std::string> company_ids;

  bool Entitled(const std::string& event_company_id, const std::string& event_user_id) const;
};

using Frame = std::shared_ptr<const std::string>;

class Subscription {
 public:
  Subscription(Audience audience, size_t capacity) : audience_(std::move(audience)), capacity_(capacity) {}

  const Audience& audience() const { return audience_; }
  // Moves every queued frame to `out` (appending). Returns false once the
  // queue has overflowed: the owner must disconnect.
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
  // Returns true when this push made the queue overflow.
  bool Push(const Frame& f);

  const Audience audience_;
  const size_t capacity_;
  mutable std::mutex mu_;
  std::deque<Frame> queue_;
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

 private:
  struct Retained {
    uint64_t id;
    std::string company_id;
    std::string user_id;
    Frame frame;
  };

  const EventHubOptions opts_;
  mutable std::mutex mu_;
  uint64_t next_id_;
  std::deque<Retained> window_;
  std::vector<std::shared_ptr<Subscription>> subs_;
  uint64_t published_ = 0;
  uint64_t overflows_ = 0;
};

}  // namespace aw::services
