#pragma once

// Replay protection for signed webhooks. A signature is valid for the whole
// timestamp window (X-Timestamp within +-max skew of now, 300 s by default),
// so a captured request could be sent again inside it: an alert replayed
// after its recovery would open a new incident. Every accepted signed
// delivery is remembered for its window, and a second copy is answered as a
// repeat without touching anything.
//
// Two backends, chosen by the store:
//   - embedded store (one process): in memory, bounded (kMaxRemembered
//     entries across all companies; expired ones are dropped first, and past
//     the bound the oldest go, with a warning). Not kept across a restart.
//   - DynamoDB (replicas): an item per delivery in the Alerts table,
//     `id = "whsig#<signature>"`, written with attribute_not_exists and a
//     `ttl` at the end of its window, so every replica sees it
//     (docs/data-model.md).
//
// Requests carrying an X-Delivery-ID are left to the intake, which is
// idempotent by that id (a repeat is answered with the first alert and
// counted in its delivery_attempts).
//
// A delivery is recorded after it was accepted (its 202), not before, so a
// sender's retry of a request that failed is never mistaken for a replay; two
// copies arriving at the same instant may therefore both be accepted (the
// intake's repeat detection then applies). Thread-safe.

#include <cstdint>
#include <deque>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>
#include <utility>

#include "services/context.h"

namespace aw::services {

// A signed request that passed verification.
struct SignedDelivery {
  std::string signature;  // lower-case hex HMAC: unique per timestamp and body
  int64_t expires_s = 0;  // end of its window (timestamp + max skew)
};

class SignedDeliveryLog {
 public:
  static constexpr size_t kMaxRemembered = 250'000;

  // `shared`: keep the log in the store (replicas on DynamoDB).
  SignedDeliveryLog(Context* ctx, bool shared) : ctx_(ctx), shared_(shared) {}

  // The alert id the delivery was accepted with, when it was accepted before
  // and its window has not ended. A store failure counts as "not seen" (the
  // request then goes on to the intake, which has its own repeat detection).
  std::optional<std::string> Accepted(const std::string& company_id, const SignedDelivery& d);
  // Remembers an accepted delivery. Never throws; a failure is logged.
  void Record(const std::string& company_id, const SignedDelivery& d, const std::string& alert_id);

 private:
  struct Entry {
    int64_t expires_s;
    std::string alert_id;
  };
  void PruneLocked(int64_t now_s);

  Context* ctx_;
  const bool shared_;
  std::mutex mu_;
  std::unordered_map<std::string, Entry> entries_;        // "<company>\n<signature>"
  std::deque<std::pair<int64_t, std::string>> order_;   // insertion order, for pruning
  int64_t last_eviction_warning_s_ = 0;
};

}  // namespace aw::services
