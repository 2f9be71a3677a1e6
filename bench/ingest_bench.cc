// aw_ingest_bench: the intake path without HTTP. Builds the same services as
// the server (app::App) on a fresh RocksDB store in a temporary directory and
// calls AlertService::Ingest from N threads for a fixed time, then prints
// alerts/s, latency percentiles and the store's commit/fsync counts. Shows
// how much of an HTTP benchmark's cost is the intake itself.
//
//   aw_ingest_bench [--threads 32] [--seconds 5] [--hosts 1000]

#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <thread>
#include <vector>

#include <spdlog/spdlog.h>

#include "app/app.h"
#include "store/rocksdb/rocks_store.h"

int main(int argc, char** argv) {
  int threads = 32, seconds = 5, hosts = 1000;
  for (int i = 1; i + 1 < argc; i += 2) {
    std::string a = argv[i];
    int v = std::atoi(argv[i + 1]);
    if (a == "--threads") threads = v;
    if (a == "--seconds") seconds = v;
    if (a == "--hosts") hosts = v;
  }
  spdlog::set_level(spdlog::level::warn);
  std::string dir = std::filesystem::temp_directory_path() / ("aw-ingest-bench-" + std::to_string(::getpid()));
  aw::app::Config cfg;
  cfg.data_dir = dir;
  auto app = aw::app::App::Open(cfg);
  if (!app.ok()) {
    std::fprintf(stderr, "%s\n", app.status().ToString().c_str());
    return 1;
  }
  (*app)->companies()->Create("Bench", "comp-bench");
  std::atomic<bool> stop{false};
  std::atomic<int64_t> counter{0};
  std::vector<std::vector<double>> lat(threads);
  const char* sevs[] = {"critical", "high", "medium", "low"};
  auto t0 = std::chrono::steady_clock::now();
  std::vector<std::thread> ts;
  for (int t = 0; t < threads; ++t) {
    ts.emplace_back([&, t] {
      while (!stop.load()) {
        int64_t n = counter.fetch_add(1);
        aw::services::AlertInput in;
        in.asset_name = "host-" + std::to_string((n * 7919) % hosts);
        in.signature = "bench_sig_" + std::to_string(n % 50);
        in.severity = sevs[n % 4];
        in.message = "bench alert " + std::to_string(n);
        in.tool_source = "bench";
        auto s = std::chrono::steady_clock::now();
        (*app)->alerts()->Ingest("comp-bench", in, "");
        lat[t].push_back(std::chrono::duration<double, std::micro>(std::chrono::steady_clock::now() - s).count());
      }
    });
  }
  std::this_thread::sleep_for(std::chrono::seconds(seconds));
  stop = true;
  for (auto& th : ts) th.join();
  double elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  std::vector<double> all;
  for (auto& v : lat) all.insert(all.end(), v.begin(), v.end());
  std::sort(all.begin(), all.end());
  auto pct = [&](double p) { return all.empty() ? 0.0 : all[static_cast<size_t>(p * (all.size() - 1))]; };
  auto* rocks = dynamic_cast<aw::store::RocksStore*>((*app)->store());
  auto st = rocks ? rocks->Stats() : aw::store::RocksStats{};
  std::printf("INGEST_BENCH threads=%d alerts=%zu seconds=%.2f alerts_per_s=%.0f p50_us=%.0f p99_us=%.0f "
              "commits=%llu writes=%llu fsyncs=%llu writes_per_alert=%.2f\n",
              threads, all.size(), elapsed, all.size() / elapsed, pct(0.5), pct(0.99),
              static_cast<unsigned long long>(st.groups), static_cast<unsigned long long>(st.ops),
              static_cast<unsigned long long>(st.syncs), all.empty() ? 0.0 : double(st.ops) / all.size());
  app->reset();
  std::filesystem::remove_all(dir);
  return 0;
}
