// PeriodicTask: the period is honoured on the injected clock, Stop() is
// prompt even with a long period, and a run that throws is logged with the
// task's name without ending the loop.

#include <atomic>
#include <chrono>
#include <memory>
#include <optional>
#include <sstream>
#include <stdexcept>
#include <thread>

#include <gtest/gtest.h>
#include <spdlog/sinks/ostream_sink.h>
#include <spdlog/spdlog.h>

#include "base/clock.h"
#include "services/periodic_task.h"

namespace aw::services {
namespace {

using namespace std::chrono_literals;

// Polls `pred` for up to 5 s of real time (the task runs on its own thread).
template <typename Pred>
bool Eventually(Pred pred) {
  for (int i = 0; i < 500; ++i) {
    if (pred()) return true;
    std::this_thread::sleep_for(10ms);
  }
  return pred();
}

TEST(PeriodicTaskTest, RunsAtStartThenOncePerPeriodOfTheInjectedClock) {
  FakeClock clock;
  std::atomic<int> calls{0};
  PeriodicTask task("test", {.period = 1h, .run_at_start = true, .clock = &clock}, [&] { ++calls; });
  task.Start();
  ASSERT_TRUE(Eventually([&] { return task.runs() == 1; }));

  clock.Advance(59min);
  task.Wake();
  std::this_thread::sleep_for(50ms);
  EXPECT_EQ(calls.load(), 1) << "ran before its period had passed";

  clock.Advance(1min);
  task.Wake();
  ASSERT_TRUE(Eventually([&] { return task.runs() == 2; }));
  EXPECT_EQ(calls.load(), 2);
  task.Stop();
}

TEST(PeriodicTaskTest, WithoutRunAtStartTheFirstRunWaitsOnePeriod) {
  FakeClock clock;
  std::atomic<int> calls{0};
  PeriodicTask task("test", {.period = 10s, .run_at_start = false, .clock = &clock}, [&] { ++calls; });
  task.Start();
  std::this_thread::sleep_for(50ms);
  EXPECT_EQ(calls.load(), 0);
  clock.Advance(10s);
  task.Wake();
  ASSERT_TRUE(Eventually([&] { return calls.load() == 1; }));
}

TEST(PeriodicTaskTest, StopIsPromptWithALongPeriod) {
  PeriodicTask task("test", {.period = 1h}, [] {});
  task.Start();
  ASSERT_TRUE(Eventually([&] { return task.runs() == 1; }));
  EXPECT_TRUE(task.running());
  auto t0 = std::chrono::steady_clock::now();
  task.Stop();
  EXPECT_LT(std::chrono::steady_clock::now() - t0, 1s);
  EXPECT_FALSE(task.running());
  task.Stop();  // idempotent
}

TEST(PeriodicTaskTest, StopWaitsForARunInProgress) {
  std::atomic<bool> finished{false};
  std::atomic<bool> started{false};
  PeriodicTask task("test", {.period = 1h}, [&] {
    started = true;
    std::this_thread::sleep_for(100ms);
    finished = true;
  });
  task.Start();
  ASSERT_TRUE(Eventually([&] { return started.load(); }));
  task.Stop();
  EXPECT_TRUE(finished.load());
}

TEST(PeriodicTaskTest, AThrowingRunIsLoggedWithTheTaskNameAndTheLoopGoesOn) {
  std::ostringstream log;
  auto previous = spdlog::default_logger();
  spdlog::set_default_logger(
      std::make_shared<spdlog::logger>("capture", std::make_shared<spdlog::sinks::ostream_sink_mt>(log)));
  std::atomic<int> calls{0};
  {
    PeriodicTask task("kpi flush", {.period = 1ms}, [&] {
      if (++calls == 1) throw std::runtime_error("store unavailable");
    });
    task.Start();
    EXPECT_TRUE(Eventually([&] { return calls.load() >= 3; }));
  }
  spdlog::set_default_logger(previous);
  EXPECT_NE(log.str().find("periodic task kpi flush: run failed: store unavailable"), std::string::npos) << log.str();
}

TEST(PeriodicTaskTest, ZeroPeriodRunsOnce) {
  std::atomic<int> calls{0};
  PeriodicTask task("test", {.period = 0ms}, [&] { ++calls; });
  task.Start();
  ASSERT_TRUE(Eventually([&] { return task.runs() == 1; }));
  std::this_thread::sleep_for(30ms);
  EXPECT_EQ(calls.load(), 1);
  task.Stop();
}

TEST(PeriodicTaskTest, RestartsAfterStop) {
  std::atomic<int> calls{0};
  PeriodicTask task("test", {.period = 1h}, [&] { ++calls; });
  task.Start();
  ASSERT_TRUE(Eventually([&] { return calls.load() == 1; }));
  task.Stop();
  task.Start();
  ASSERT_TRUE(Eventually([&] { return calls.load() == 2; }));
}

// GET /api/ready reads All(): a started task is listed, late once its last
// run ended more than three periods (at least a minute) ago, and gone after Stop.
TEST(PeriodicTaskTest, HealthListsStartedTasksAndTellsWhenOneIsLate) {
  FakeClock clock;
  std::atomic<bool> block{false};
  PeriodicTask task("health-test task", {.period = 1min, .run_at_start = true, .clock = &clock}, [&] {
    while (block.load()) std::this_thread::sleep_for(1ms);
  });
  auto find = [] {
    for (const auto& h : PeriodicTask::All()) {
      if (h.name == "health-test task") return std::optional<PeriodicTask::Health>(h);
    }
    return std::optional<PeriodicTask::Health>();
  };
  EXPECT_FALSE(find()) << "listed before Start";
  task.Start();
  ASSERT_TRUE(Eventually([&] { return task.runs() == 1; }));
  ASSERT_TRUE(find());
  EXPECT_TRUE(find()->running);
  EXPECT_FALSE(find()->late);

  // The next run hangs: three periods after the last run ended it is late.
  block = true;
  clock.Advance(1min);
  task.Wake();
  clock.Advance(2min);
  EXPECT_FALSE(find()->late) << "late at exactly three periods";
  clock.Advance(1s);
  EXPECT_TRUE(find()->late);
  EXPECT_EQ(find()->since_last_run, 3min + 1s);
  block = false;
  ASSERT_TRUE(Eventually([&] { return task.runs() == 2; }));
  EXPECT_FALSE(find()->late);
  task.Stop();
  EXPECT_FALSE(find()) << "listed after Stop";
}

TEST(PeriodicTaskTest, HealthCountsFailedRuns) {
  PeriodicTask task("failing-test task", {.period = 1h}, [] { throw std::runtime_error("boom"); });
  task.Start();
  ASSERT_TRUE(Eventually([&] { return task.runs() == 1; }));
  EXPECT_EQ(task.health().failed_runs, 1);
  EXPECT_TRUE(task.health().running);
  task.Stop();
  EXPECT_FALSE(task.health().running);
}

}  // namespace
}  // namespace aw::services
