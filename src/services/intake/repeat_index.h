#pragma once

// RepeatIndex: the repeat claims of the intake pipeline, in memory.
//
// A claim says which alert a delivery id, or an alert's content, belongs to
// (docs/correlation.md, "Repeats"). On DynamoDB, and on the conditional path,
// a claim is an item `dlv#<sha256>` with a 24-hour TTL. The intake pipeline of
// the embedded store keeps its claims here instead: one process owns the
// store, so memory is authoritative, and a claim item written per alert cost a
// random B-tree page (plus its TTL entry) on every alert. Every claim can be
// derived from its alert (delivery id, or asset, signature and message), so
// the index is rebuilt from the alerts of the last 24 hours when the server
// starts (IntakePipeline::LoadRepeats).
//
// Not thread-safe: the pipeline uses it from its units, which run one at a
// time on the store's writer thread (and LoadRepeats before the first).

#include <cstdint>
#include <deque>
#include <string>
#include <unordered_map>
#include <utility>

namespace aw::services {

class RepeatIndex {
 public:
  static constexpr int64_t kLifetimeMicros = int64_t{24} * 3600 * 1'000'000;

  struct Claim {
    std::string alert_id;
    int64_t created_us = 0;
  };

  // The live claim, or nullptr (none, or older than kLifetimeMicros).
  const Claim* Find(const std::string& company_id, const std::string& claim_id, int64_t now_us) const;
  // Creates or re-points the claim (a later `created_us` wins over an
  // earlier one, so loading alerts in any order keeps the newest).
  void Set(const std::string& company_id, const std::string& claim_id, std::string alert_id, int64_t created_us);
  // Drops the claims older than kLifetimeMicros.
  void Expire(int64_t now_us);
  size_t size() const { return claims_.size(); }

 private:
  static std::string Key(const std::string& company_id, const std::string& claim_id);

  std::unordered_map<std::string, Claim> claims_;
  // (created_us, key) in the order of Set: nearly sorted by time, so Expire
  // pops from the front; an entry whose claim was re-pointed since is skipped.
  std::deque<std::pair<int64_t, std::string>> order_;
};

}  // namespace aw::services
