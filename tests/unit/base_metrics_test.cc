#include <gtest/gtest.h>

#include <thread>
#include <vector>

#include "base/metrics.h"

namespace aw::metrics {
namespace {

// A private registry per test (Default() is shared by the whole process).
struct Fixture : ::testing::Test {
  Registry reg;
};

using MetricsTest = Fixture;

TEST_F(MetricsTest, CounterHasHelpTypeAndLabels) {
  auto& f = reg.Counters("aw_test_total", "Things counted.", {"company", "outcome"});
  f.With({"comp-a", "accepted"}).Inc();
  f.With({"comp-a", "accepted"}).Inc(2);
  f.With({"comp-b", "repeat"}).Inc();
  EXPECT_EQ(reg.Expose(),
            "# HELP aw_test_total Things counted.\n"
            "# TYPE aw_test_total counter\n"
            "aw_test_total{company=\"comp-a\",outcome=\"accepted\"} 3\n"
            "aw_test_total{company=\"comp-b\",outcome=\"repeat\"} 1\n");
}

TEST_F(MetricsTest, EscapesLabelValuesAndHelp) {
  auto& f = reg.Counters("aw_esc_total", "Back\\slash and\nnewline.", {"v"});
  f.With({"a\"b\\c\nd"}).Inc();
  EXPECT_EQ(reg.Expose(),
            "# HELP aw_esc_total Back\\\\slash and\\nnewline.\n"
            "# TYPE aw_esc_total counter\n"
            "aw_esc_total{v=\"a\\\"b\\\\c\\nd\"} 1\n");
}

TEST_F(MetricsTest, HistogramBucketsAreCumulativeWithInfSumAndCount) {
  static const std::vector<double> bounds = {0.1, 1, 2.5};
  auto& f = reg.Histograms("aw_lat_seconds", "Latency.", &bounds, {"route"});
  auto& h = f.With({"/x"});
  h.Observe(0.05);
  h.Observe(0.1);  // equal to a bound: counted in it (le)
  h.Observe(2);
  h.Observe(7);
  EXPECT_EQ(reg.Expose(),
            "# HELP aw_lat_seconds Latency.\n"
            "# TYPE aw_lat_seconds histogram\n"
            "aw_lat_seconds_bucket{route=\"/x\",le=\"0.1\"} 2\n"
            "aw_lat_seconds_bucket{route=\"/x\",le=\"1\"} 2\n"
            "aw_lat_seconds_bucket{route=\"/x\",le=\"2.5\"} 3\n"
            "aw_lat_seconds_bucket{route=\"/x\",le=\"+Inf\"} 4\n"
            "aw_lat_seconds_sum{route=\"/x\"} 9.15\n"
            "aw_lat_seconds_count{route=\"/x\"} 4\n");
}

TEST_F(MetricsTest, UnlabelledHistogramAndGauge) {
  static const std::vector<double> bounds = {1};
  reg.Histograms("aw_h", "H.", &bounds).With({}).Observe(3);
  reg.Gauges("aw_g", "G.").With({}).Set(-1.5);
  EXPECT_EQ(reg.Expose(),
            "# HELP aw_h H.\n# TYPE aw_h histogram\n"
            "aw_h_bucket{le=\"1\"} 0\naw_h_bucket{le=\"+Inf\"} 1\naw_h_sum 3\naw_h_count 1\n"
            "# HELP aw_g G.\n# TYPE aw_g gauge\naw_g -1.5\n");
}

TEST_F(MetricsTest, FormatsSpecialValues) {
  EXPECT_EQ(FormatValue(1.0 / 0.0), "+Inf");
  EXPECT_EQ(FormatValue(-1.0 / 0.0), "-Inf");
  EXPECT_EQ(FormatValue(0.0 / 0.0), "NaN");
  EXPECT_EQ(FormatValue(12345678901), "12345678901");
  EXPECT_EQ(FormatValue(0.0005), "0.0005");
}

TEST_F(MetricsTest, SeriesPastTheCapGoToOther) {
  auto& f = reg.Counters("aw_cap_total", "Capped.", {"company"}, 2);
  f.With({"a"}).Inc();
  f.With({"b"}).Inc();
  f.With({"c"}).Inc();
  f.With({"d"}).Inc();
  f.With({"a"}).Inc();
  const std::string text = reg.Expose();
  EXPECT_NE(text.find("aw_cap_total{company=\"a\"} 2\n"), std::string::npos) << text;
  EXPECT_NE(text.find("aw_cap_total{company=\"other\"} 2\n"), std::string::npos) << text;
  EXPECT_EQ(text.find("company=\"c\""), std::string::npos) << text;
}

TEST_F(MetricsTest, SameNameReturnsSameFamilyAndTypeMismatchThrows) {
  auto& a = reg.Counters("aw_same_total", "x");
  auto& b = reg.Counters("aw_same_total", "x");
  EXPECT_EQ(&a, &b);
  EXPECT_THROW(reg.Gauges("aw_same_total", "x"), std::logic_error);
  EXPECT_THROW(reg.Counters("bad-name", "x"), std::logic_error);
  EXPECT_THROW(reg.Counters("aw_x_total", "x", {"le"}), std::logic_error);
  EXPECT_THROW(a.With({"unexpected"}), std::logic_error);
}

TEST_F(MetricsTest, CollectorsRunUntilTheirHandleGoes) {
  {
    CollectorHandle h = Registry::Default().AddCollector([](TextWriter& w) {
      w.Header("aw_collected", "From a collector.", Type::kGauge);
      w.Sample("aw_collected", {{"worker", "sla"}}, 4);
    });
    EXPECT_NE(Registry::Default().Expose().find("aw_collected{worker=\"sla\"} 4\n"), std::string::npos);
  }
  EXPECT_EQ(Registry::Default().Expose().find("aw_collected"), std::string::npos);
}

TEST_F(MetricsTest, ConcurrentObservationsAreAllCounted) {
  auto& f = reg.Counters("aw_conc_total", "x", {"k"});
  auto& h = reg.Histograms("aw_conc_seconds", "x", &LatencyBuckets()).With({});
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&f, &h, t] {
      for (int i = 0; i < 10000; ++i) {
        f.With({(i + t) % 2 ? "odd" : "even"}).Inc();
        h.Observe(0.001);
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(f.With({"odd"}).value() + f.With({"even"}).value(), 40000u);
  EXPECT_EQ(h.Read().count, 40000u);
}

}  // namespace
}  // namespace aw::metrics
