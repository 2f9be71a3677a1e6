#include "app/serve.h"

#include <sys/resource.h>

#include <algorithm>
#include <atomic>
#include <csignal>
#include <iostream>
#include <thread>

#include <spdlog/spdlog.h>

#include "app/app.h"
#include "app/serve_metrics.h"
#include "app/version.h"
#include "crypto/password.h"
#include "http/api.h"
#include "http/server.h"
#include "http/static_assets.h"
#include "http/ws_endpoint.h"
#include "services/seed.h"
#include "store/rocksdb/rocks_store.h"
#include "store/dynamodb/dynamodb_store.h"

namespace aw::app {

namespace {

// File handles kept free of connections: the store, its WAL, logs, outbound
// HTTPS (DynamoDB, SES, SSM, AI providers), WebSockets, the accept itself.
constexpr int64_t kReservedFiles = 128;
constexpr int64_t kDefaultMaxConnections = 10000;
// Graceful stop: all of it within kStopBudget of the signal, of which
// kAfterHttp is kept for what follows the HTTP drain.
constexpr auto kStopBudget = std::chrono::seconds(10);
constexpr auto kAfterHttp = std::chrono::milliseconds(1000);

// Raises the soft open-files limit to the hard one (each connection is a
// file handle; distributions often start services at 1,024) and returns it.
int64_t RaiseOpenFilesLimit() {
  rlimit rl{};
  if (getrlimit(RLIMIT_NOFILE, &rl) != 0) return 1024;
  const rlim_t before = rl.rlim_cur;
  if (rl.rlim_cur != RLIM_INFINITY && (rl.rlim_max == RLIM_INFINITY || rl.rlim_cur < rl.rlim_max)) {
    rlimit raised = rl;
    raised.rlim_cur = rl.rlim_max == RLIM_INFINITY ? rlim_t{1} << 20 : rl.rlim_max;
    if (setrlimit(RLIMIT_NOFILE, &raised) == 0) rl = raised;
  }
  const int64_t limit = rl.rlim_cur == RLIM_INFINITY ? int64_t{1} << 20 : static_cast<int64_t>(rl.rlim_cur);
  if (rl.rlim_cur != before) {
    spdlog::info("open files limit: {} (raised from {})", limit, static_cast<int64_t>(before));
  } else {
    spdlog::info("open files limit: {}", limit);
  }
  return limit;
}

// Warns while a demo account still has its published password. Each check is
// a deliberately slow password hash (~0.1 s, seconds on a loaded machine), so
// it runs beside the server and gives up when the server stops: a stop right
// after the start must not wait for ten hashes.
void WarnAboutDemoPasswords(App* app, const std::atomic<bool>& stopping) {
  std::string unchanged;
  for (const auto& acct : services::DemoAccounts()) {
    if (stopping.load(std::memory_order_relaxed)) return;
    try {
      auto u = app->users()->FindByEmail(acct.email);
      if (u && crypto::VerifyPassword(acct.password, u->value("password_hash", ""))) {
        unchanged += unchanged.empty() ? "" : ", ";
        unchanged += acct.email;
      }
    } catch (const std::exception&) {
      return;
    }
  }
  if (!unchanged.empty()) {
    spdlog::warn("demo accounts still have their published passwords: {}. Change them "
                 "(PUT /api/profile/password) or delete them before real use",
                 unchanged);
  }
}

// The web UI at "/": from AW_WEB_DIR (which must then hold it) or found
// beside the binary. Without one, "/" says how to get it instead of a 404.
Status ServeWebUi(const Config& config, http::Router* router, std::unique_ptr<http::StaticAssets>* out) {
  const std::string dir = http::StaticAssets::FindDir(config.web_dir);
  if (dir.empty()) {
    if (!config.web_dir.empty()) {
      return Status::InvalidArgument("AW_WEB_DIR=" + config.web_dir + " has no index.html (build the UI with make build)");
    }
    spdlog::warn("web UI: not found beside the binary (web/dist); / explains how to build it, the API works as usual");
    router->SetFallback([](http::Request& req) -> std::optional<http::Response> {
      if (req.path != "/" || (req.method != "GET" && req.method != "HEAD")) return std::nullopt;
      http::Response r;
      r.status = 503;
      r.content_type = "text/plain; charset=utf-8";
      r.body = "Alert Whisperer: the web UI is not installed. Build it with `make build` (web/dist) or set "
               "AW_WEB_DIR; the API at /api works without it.\n";
      return r;
    });
    return Status::OK();
  }
  auto loaded = http::StaticAssets::Load(dir);
  if (!loaded.ok()) return Status::InvalidArgument("web UI in " + dir + ": " + loaded.status().message());
  *out = std::move(loaded).value();
  spdlog::info("web UI: {} files ({} KB) from {}", (*out)->file_count(), (*out)->total_bytes() / 1024, dir);
  const http::StaticAssets* assets = out->get();
  router->SetFallback([assets](http::Request& req) { return assets->Serve(req); });
  return Status::OK();
}

}  // namespace

int Serve(const Config& config) {
  auto opened = App::Open(config);
  if (!opened.ok()) {
    std::cerr << "alertwhisperer: " << opened.status().message() << std::endl;
    return 2;
  }
  std::unique_ptr<App> app = std::move(opened).value();

  bool first_start = false;
  try {
    if (config.DemoEnabled() && !services::IsSeeded(app->context())) {
      services::SeedDemo(app->context(), app->users(), app->companies());
      first_start = true;
    }
  } catch (const std::exception& e) {
    std::cerr << "alertwhisperer: seeding the demo data failed: " << e.what() << std::endl;
    return 2;
  }
  http::Router router;
  http::Services services;
  services.auth = app->auth();
  services.users = app->users();
  services.companies = app->companies();
  services.alerts = app->alerts();
  services.incidents = app->incidents();
  services.assets = app->assets();
  services.kpis = app->kpis();
  services.webhook_security = app->webhook_security();
  services.rate_limiter = app->rate_limiter();
  services.tool_intake = app->tool_intake();
  services.audit = app->audit();
  services.sns = app->sns();
  services.notifications = app->notifications();
  services.chat = app->chat();
  services.sla = app->sla();
  services.noise = app->noise();
  services.heartbeats = app->heartbeats();
  services.oncall = app->oncall();
  services.escalation = app->escalation();
  services.analysis = app->analysis();
  services.runbooks = app->runbooks();
  services.approvals = app->approvals();
  services.executions = app->executions();
  services.aws_credentials = app->aws_credentials();
  services.store_kind = config.store;
  services.refresh_token_days = config.refresh_token_days;
  if (auto* dynamo = dynamic_cast<store::DynamoStore*>(app->backend_store())) {
    services.store_stats = [dynamo] { return store::dynamodb::StatsJson(dynamo->Stats()); };
  } else if (auto* rocks = dynamic_cast<store::RocksStore*>(app->backend_store())) {
    // The same counters under the engine's name, plus RocksDB's own figures.
    services.store_stats = [rocks, intake = app->intake()] {
      store::RocksStats st = rocks->Stats();
      nlohmann::json out = {{"rocksdb", {{"transactions", st.groups},
                                         {"write_ops", st.ops},
                                         {"fsyncs", st.syncs},
                                         {"queries", st.queries},
                                         {"scans", st.scans},
                                         {"writer_cache_bytes", st.writer_cache_bytes},
                                         {"writer_cache_items", st.writer_cache_items},
                                         {"engine", rocks->EngineStats()}}}};
      if (intake != nullptr) {
        auto is = intake->stats();
        out["intake_pipeline"] = {{"alerts", is.jobs}, {"units", is.units}, {"claims_written", is.claims_written}};
      }
      return out;
    };
  }
  auto store_probe = std::make_shared<aw::services::StoreProbe>(app->store());
  services.readiness = [store_probe] { return aw::services::CheckReadiness(*store_probe); };
  services.version = kVersion;
  http::RegisterRoutes(router, services);
  // After RegisterRoutes: /metrics is not an /api route (not in the OpenAPI document).
  std::vector<metrics::CollectorHandle> collectors = InstallCollectors(app.get(), config);
  MetricsEndpoint metrics_endpoint;
  if (Status s = metrics_endpoint.Install(config, &router); !s.ok()) {
    std::cerr << "alertwhisperer: " << s.message() << std::endl;
    return 2;
  }
  std::unique_ptr<http::StaticAssets> ui;
  if (Status s = ServeWebUi(config, &router, &ui); !s.ok()) {
    std::cerr << "alertwhisperer: " << s.message() << std::endl;
    return 2;
  }

  http::ServerOptions opts;
  opts.address = config.address;
  opts.port = config.port;
  opts.io_threads = config.io_threads;
  opts.worker_threads = config.worker_threads;
  opts.max_body_bytes = config.max_body_bytes;
  const int64_t open_files = RaiseOpenFilesLimit();
  int64_t max_connections = config.max_connections;
  if (max_connections == 0) {
    max_connections = std::clamp<int64_t>(open_files - kReservedFiles, 16, kDefaultMaxConnections);
  } else if (max_connections > open_files - kReservedFiles) {
    spdlog::warn("AW_MAX_CONNECTIONS={} is more than the open files limit ({}) allows with {} kept free",
                 max_connections, open_files, kReservedFiles);
  }
  opts.max_connections = static_cast<size_t>(max_connections);
  opts.max_connections_per_ip = static_cast<size_t>(config.max_connections_per_ip);
  opts.header_timeout = std::chrono::seconds(config.header_timeout_seconds);
  http::Server server(opts, &router);
  http::WsOptions ws_opts;
  ws_opts.recheck_interval = std::chrono::seconds(config.ws_recheck_seconds);
  http::WsEndpoint live_updates(app->events(), app->auth(), ws_opts);
  live_updates.Install(server);
  if (app->mailer() != nullptr) app->mailer()->Start();
  app->executions()->Start();  // runbook executor: before requests can queue runs
  if (Status s = server.Start(); !s.ok()) {
    std::cerr << "alertwhisperer: cannot listen: " << s.message() << std::endl;
    return 2;
  }
  spdlog::info("Alert Whisperer {} serving on http://localhost:{} (store: {} in {})", kVersion, server.port(),
               config.store, config.data_dir);
  if (first_start) {
    spdlog::info("first start: demo data created. Sign in with admin@alertwhisperer.com / admin123; each "
                 "company's webhook API key is shown by GET /api/companies (as the admin)");
  }
  app->incident_worker()->Start(std::chrono::seconds(config.worker_interval_seconds));
  app->approvals()->Start(std::chrono::seconds(config.worker_interval_seconds));  // approval expiry
  std::atomic<bool> stopping{false};
  std::thread warn_thread;
  if (config.DemoEnabled()) {
    warn_thread = std::thread([&app, &stopping] { WarnAboutDemoPasswords(app.get(), stopping); });
  }

  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGTERM);
  sigaddset(&signals, SIGINT);
  int sig = 0;
  sigwait(&signals, &sig);
  spdlog::info("received {}, shutting down: finishing in-flight requests", sig == SIGTERM ? "SIGTERM" : "SIGINT");
  // One budget for the whole stop (docs/operations.md: 10 s): WebSockets get
  // at most 2 s to close, HTTP drains until kStopBudget - kAfterHttp after
  // the signal, and the rest (workers, KPI counters, store flush) the end.
  const auto stop_deadline = std::chrono::steady_clock::now() + kStopBudget;
  stopping.store(true, std::memory_order_relaxed);
  live_updates.CloseAll(std::chrono::milliseconds(2000));  // their sockets belong to the server's io threads
  server.Stop(stop_deadline - kAfterHttp);
  metrics_endpoint.Stop();
  app->StopIntake();
  app->incident_worker()->Stop();
  app->approvals()->Stop();
  app->executions()->Stop();  // runs still polling are recorded as cancelled
  if (app->mailer() != nullptr) app->mailer()->Stop();
  if (warn_thread.joinable()) warn_thread.join();
  app->kpis()->Flush();
  Status flushed = app->store()->Flush();
  if (!flushed.ok()) {
    spdlog::error("flushing the store failed: {}", flushed.message());
    return 1;
  }
  if (services.store_stats) spdlog::info("store calls since start: {}", services.store_stats().dump());
  spdlog::info("shutdown complete");
  spdlog::shutdown();
  return 0;
}

}  // namespace aw::app
