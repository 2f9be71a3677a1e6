#include "core/analysis.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <set>

namespace aw::core {

namespace {

std::string Lower(std::string_view s) {
  std::string out(s);
  for (auto& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

bool ContainsAny(const std::string& haystack, std::initializer_list<const char*> needles) {
  for (const char* n : needles) {
    if (haystack.find(n) != std::string::npos) return true;
  }
  return false;
}

std::set<std::string> Tokens(std::string_view s) {
  std::set<std::string> out;
  std::string cur;
  for (char c : s) {
    if (c == '_' || c == '-' || c == '.' || c == ' ' || c == '/' || c == ':') {
      if (!cur.empty()) out.insert(cur);
      cur.clear();
    } else {
      cur += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    }
  }
  if (!cur.empty()) out.insert(cur);
  return out;
}

bool IsPeriodic(std::vector<int64_t> ts, const PatternRules& rules) {
  if (static_cast<int>(ts.size()) < rules.periodic_min_alerts) return false;
  std::sort(ts.begin(), ts.end());
  std::vector<double> gaps;
  for (size_t i = 1; i < ts.size(); ++i) gaps.push_back(static_cast<double>(ts[i] - ts[i - 1]));
  double mean = 0;
  for (double g : gaps) mean += g;
  mean /= static_cast<double>(gaps.size());
  if (mean < static_cast<double>(rules.periodic_min_interval_us)) return false;
  double var = 0;
  for (double g : gaps) var += (g - mean) * (g - mean);
  var /= static_cast<double>(gaps.size());
  return std::sqrt(var) / mean <= rules.periodic_max_jitter;
}

bool IsBurst(std::vector<int64_t> ts, const PatternRules& rules) {
  if (static_cast<int>(ts.size()) < rules.storm_burst) return false;
  std::sort(ts.begin(), ts.end());
  const size_t k = static_cast<size_t>(rules.storm_burst);
  for (size_t i = 0; i + k - 1 < ts.size(); ++i) {
    if (ts[i + k - 1] - ts[i] <= rules.storm_window_us) return true;
  }
  return false;
}

}  // namespace

const char* PatternName(Pattern p) {
  switch (p) {
    case Pattern::kSingleAssetRepeating: return "single_asset_repeating";
    case Pattern::kCascadeAcrossAssets: return "cascade_across_assets";
    case Pattern::kAlertStorm: return "alert_storm";
    case Pattern::kPeriodic: return "periodic";
    case Pattern::kIsolated: return "isolated";
  }
  return "isolated";
}

std::optional<Pattern> ParsePattern(std::string_view s) {
  for (Pattern p : {Pattern::kSingleAssetRepeating, Pattern::kCascadeAcrossAssets, Pattern::kAlertStorm,
                    Pattern::kPeriodic, Pattern::kIsolated}) {
    if (s == PatternName(p)) return p;
  }
  return std::nullopt;
}

Pattern DetectPattern(const std::vector<AlertFacts>& alerts, int64_t total_alert_count, const PatternRules& rules) {
  const int64_t total = std::max<int64_t>(total_alert_count, static_cast<int64_t>(alerts.size()));
  std::vector<int64_t> ts;
  std::set<std::string> assets;
  for (const auto& a : alerts) {
    ts.push_back(a.timestamp_us);
    assets.insert(Lower(a.asset_name));
  }
  if (total >= rules.storm_total || IsBurst(ts, rules)) return Pattern::kAlertStorm;
  if (IsPeriodic(ts, rules)) return Pattern::kPeriodic;
  if (assets.size() >= 2) return Pattern::kCascadeAcrossAssets;
  if (total >= 2) return Pattern::kSingleAssetRepeating;
  return Pattern::kIsolated;
}

std::optional<std::string> SeverityHint(std::string_view text) {
  const std::string t = Lower(text);
  if (ContainsAny(t, {"outage", " down", "down ", "_down", "unreachable", "data loss", "corrupt", "ransomware", "breach",
                      "panic", "crashloop", "out of memory", "oom-kill", "oomkill", "disk full", "no space left"})) {
    return "critical";
  }
  if (ContainsAny(t, {"fail", "error", "timeout", "timed out", "refused", "exhausted", "critical", "degraded",
                      "unhealthy"})) {
    return "high";
  }
  if (ContainsAny(t, {"warn", "slow", "high", "latency", "retry", "threshold"})) return "medium";
  return std::nullopt;
}

std::string ProbableCauseHint(std::string_view signature, std::string_view text) {
  const std::string t = Lower(signature) + " " + Lower(text);
  struct Rule {
    std::initializer_list<const char*> keys;
    const char* cause;
  };
  static const Rule kRules[] = {
      {{"disk", "space", "inode", "filesystem", "volume"},
       "Storage is running out on the affected host (logs, caches or data growth filling the volume)."},
      {{"memory", "oom-kill", "oomkill", "swap", "heap"},
       "Memory pressure: a process is leaking or the host is undersized for its workload."},
      {{"cpu", "load", "throttl"},
       "Sustained CPU load: a runaway process, a traffic spike or a stuck job."},
      {{"cert", "tls", "ssl", "expir"}, "A certificate has expired or is about to expire."},
      {{"database", "db_", "replication", "deadlock", "postgres", "mysql", "sql"},
       "The database is degraded (connections, replication lag or locks)."},
      {{"network", "latency", "packet", "unreachable", "dns", "timeout", "connection"},
       "Network connectivity or name resolution between the services is failing."},
      {{"service_down", "down", "crash", "stopped", "restart", "unhealthy", "health"},
       "A service stopped or crashed and is not answering its health checks."},
      {{"auth", "login", "brute", "unauthori", "permission"},
       "Authentication failures: misconfigured credentials or an access attempt."},
      {{"backup"}, "A backup job failed or did not run."},
  };
  for (const auto& r : kRules) {
    for (const char* k : r.keys) {
      if (t.find(k) != std::string::npos) return r.cause;
    }
  }
  return "";
}

RunbookMatch MatchRunbook(std::string_view incident_signature, const std::vector<RunbookFacts>& runbooks) {
  RunbookMatch best;
  const std::string sig = Lower(incident_signature);
  if (sig.empty()) return best;
  const auto sig_tokens = Tokens(sig);
  for (size_t i = 0; i < runbooks.size(); ++i) {
    for (const auto& rs : runbooks[i].signatures) {
      double score = 0;
      if (Lower(rs) == sig) {
        score = 1.0;
      } else {
        auto rt = Tokens(rs);
        size_t common = 0;
        for (const auto& tok : rt) common += sig_tokens.count(tok);
        size_t uni = sig_tokens.size() + rt.size() - common;
        score = uni == 0 ? 0.0 : static_cast<double>(common) / static_cast<double>(uni);
        if (score < 0.5) score = 0;
      }
      if (score > best.score) {
        best.score = score;
        best.index = static_cast<int>(i);
      }
    }
  }
  return best;
}

}  // namespace aw::core
