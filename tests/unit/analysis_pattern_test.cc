// Table-driven tests of the built-in analyser's pure logic (core/analysis.h).

#include "core/analysis.h"

#include <gtest/gtest.h>

namespace aw::core {
namespace {

constexpr int64_t kSec = 1'000'000;
constexpr int64_t kT0 = 1'700'000'000LL * kSec;

// n alerts on `assets` (round robin), `gap_s` seconds apart (jitter alternates +/- jitter_s).
std::vector<AlertFacts> Series(int n, std::vector<std::string> assets, int64_t gap_s, int64_t jitter_s = 0) {
  std::vector<AlertFacts> v;
  int64_t t = kT0;
  for (int i = 0; i < n; ++i) {
    v.push_back({assets[static_cast<size_t>(i) % assets.size()], "disk_space_low", "disk almost full", "zabbix", t});
    t += (gap_s + ((i % 2) ? jitter_s : -jitter_s)) * kSec;
  }
  return v;
}

struct PatternCase {
  const char* name;
  std::vector<AlertFacts> alerts;
  int64_t total;
  Pattern want;
};

TEST(AnalysisPattern, DetectsEachPattern) {
  const PatternCase cases[] = {
      {"no alerts", {}, 0, Pattern::kIsolated},
      {"one alert", Series(1, {"web-01"}, 10), 1, Pattern::kIsolated},
      {"one alert, sample empty but count 1", {}, 1, Pattern::kIsolated},
      {"two alerts one asset", Series(2, {"web-01"}, 10), 2, Pattern::kSingleAssetRepeating},
      {"same asset differently cased", {{"WEB-01", "s", "", "", kT0}, {"web-01", "s", "", "", kT0 + kSec}}, 2,
       Pattern::kSingleAssetRepeating},
      {"three alerts irregular one asset", {{"a", "s", "", "", kT0}, {"a", "s", "", "", kT0 + 5 * kSec},
                                            {"a", "s", "", "", kT0 + 900 * kSec}}, 3,
       Pattern::kSingleAssetRepeating},
      {"two assets", Series(2, {"web-01", "db-01"}, 10), 2, Pattern::kCascadeAcrossAssets},
      {"three assets irregular", {{"a", "s", "", "", kT0}, {"b", "s", "", "", kT0 + 7 * kSec},
                                  {"c", "s", "", "", kT0 + 400 * kSec}}, 3,
       Pattern::kCascadeAcrossAssets},
      {"regular every 5 minutes", Series(6, {"web-01"}, 300), 6, Pattern::kPeriodic},
      {"regular with small jitter", Series(8, {"web-01"}, 600, 30), 8, Pattern::kPeriodic},
      {"regular but too few", Series(3, {"web-01"}, 300), 3, Pattern::kSingleAssetRepeating},
      {"regular but seconds apart", Series(6, {"web-01"}, 5), 6, Pattern::kSingleAssetRepeating},
      {"irregular jitter", Series(8, {"web-01"}, 600, 400), 8, Pattern::kSingleAssetRepeating},
      {"count alone makes a storm", Series(3, {"web-01"}, 60), 500, Pattern::kAlertStorm},
      {"burst of 20 in a minute", Series(20, {"a", "b"}, 3), 20, Pattern::kAlertStorm},
      {"20 spread over hours", Series(20, {"a"}, 1200, 500), 20, Pattern::kSingleAssetRepeating},
      {"49 is not a storm by count", Series(4, {"a", "b"}, 1000, 700), 49, Pattern::kCascadeAcrossAssets},
      {"50 is", Series(4, {"a", "b"}, 1000, 700), 50, Pattern::kAlertStorm},
  };
  for (const auto& c : cases) {
    EXPECT_EQ(PatternName(DetectPattern(c.alerts, c.total)), std::string(PatternName(c.want))) << c.name;
  }
}

TEST(AnalysisPattern, NamesRoundTrip) {
  for (Pattern p : {Pattern::kSingleAssetRepeating, Pattern::kCascadeAcrossAssets, Pattern::kAlertStorm,
                    Pattern::kPeriodic, Pattern::kIsolated}) {
    ASSERT_TRUE(ParsePattern(PatternName(p)).has_value());
    EXPECT_EQ(*ParsePattern(PatternName(p)), p);
  }
  EXPECT_FALSE(ParsePattern("storm").has_value());
  EXPECT_FALSE(ParsePattern("").has_value());
}

TEST(AnalysisPattern, SeverityHints) {
  struct C { const char* text; const char* want; };
  const C cases[] = {
      {"Service nginx is down", "critical"},
      {"host unreachable from probe", "critical"},
      {"No space left on device", "critical"},
      {"kernel: Out of memory: killed process 42", "critical"},
      {"backup job FAILED", "high"},
      {"connection timed out after 30s", "high"},
      {"latency above threshold", "medium"},
      {"WARNING: certificate renews soon", "medium"},
      {"all good", ""},
      {"", ""},
  };
  for (const auto& c : cases) {
    auto h = SeverityHint(c.text);
    EXPECT_EQ(h.value_or(""), c.want) << c.text;
  }
}

TEST(AnalysisPattern, ProbableCauseHints) {
  struct C { const char* sig; const char* text; const char* contains; };
  const C cases[] = {
      {"disk_space_low", "", "Storage"},
      {"high_memory", "", "Memory"},
      {"cpu_high", "load 12", "CPU"},
      {"ssl_expiry", "", "certificate"},
      {"db_replication_lag", "", "database"},
      {"service_down", "nginx stopped", "service"},
      {"custom", "dns lookup failed", "Network"},
  };
  for (const auto& c : cases) {
    std::string cause = ProbableCauseHint(c.sig, c.text);
    EXPECT_NE(cause.find(c.contains), std::string::npos) << c.sig << " -> " << cause;
  }
  EXPECT_EQ(ProbableCauseHint("weird_thing", "nothing to see"), "");
}

TEST(AnalysisPattern, RunbookMatch) {
  const std::vector<RunbookFacts> rbs = {
      {"disk", {"disk_space_low"}, "Disk clean-up"},
      {"svc", {"service_down"}, "Restart a service"},
      {"cpu", {"high_cpu_usage"}, "Diagnose high CPU"},
      {"multi", {"nothing", "MEMORY_HIGH"}, "Memory"},
  };
  struct C { const char* sig; int want; double min_score; };
  const C cases[] = {
      {"disk_space_low", 0, 1.0},   // exact
      {"DISK_SPACE_LOW", 0, 1.0},   // case-insensitive
      {"service_down", 1, 1.0},
      {"cpu_high", 2, 0.5},         // tokens {cpu, high} of {high, cpu, usage}
      {"memory_high", 3, 1.0},      // second signature of a runbook
      {"disk_io_slow", -1, 0.0},    // one token of four in common: below 0.5
      {"", -1, 0.0},
      {"unrelated", -1, 0.0},
  };
  for (const auto& c : cases) {
    RunbookMatch m = MatchRunbook(c.sig, rbs);
    EXPECT_EQ(m.index, c.want) << c.sig;
    EXPECT_GE(m.score, c.min_score) << c.sig;
  }
  EXPECT_EQ(MatchRunbook("disk_space_low", {}).index, -1);
}

}  // namespace
}  // namespace aw::core
