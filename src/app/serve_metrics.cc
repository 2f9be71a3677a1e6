#include "app/serve_metrics.h"

#include <spdlog/spdlog.h>

#include <chrono>
#include <string>
#include <utility>

#include "app/version.h"
#include "base/errors.h"
#include "base/malloc_stats.h"
#include "http/http_metrics.h"
#include "services/periodic_task.h"
#include "store/dynamodb/dynamodb_store.h"
#include "store/rocksdb/rocks_store.h"

namespace aw::app {

namespace {

using metrics::TextWriter;
using metrics::Type;

void WriteWorkers(TextWriter& w) {
  const auto all = services::PeriodicTask::All();
  auto each = [&](const char* name, const char* help, Type type, auto value) {
    w.Header(name, help, type);
    for (const auto& h : all) w.Sample(name, {{"worker", h.name}}, value(h));
  };
  using H = services::PeriodicTask::Health;
  each("aw_worker_running", "1 while the background task runs.", Type::kGauge,
       [](const H& h) { return h.running ? 1.0 : 0.0; });
  each("aw_worker_seconds_since_last_run",
       "Lag: seconds since the task's last run ended (since its start when none has).", Type::kGauge,
       [](const H& h) { return std::chrono::duration<double>(h.since_last_run).count(); });
  each("aw_worker_period_seconds", "The task's period.", Type::kGauge,
       [](const H& h) { return std::chrono::duration<double>(h.period).count(); });
  each("aw_worker_late", "1 when the task is late (GET /api/ready then answers 503).", Type::kGauge,
       [](const H& h) { return h.late ? 1.0 : 0.0; });
  each("aw_worker_runs_total", "Runs completed.", Type::kCounter,
       [](const H& h) { return static_cast<double>(h.runs); });
  each("aw_worker_failed_runs_total", "Runs that threw.", Type::kCounter,
       [](const H& h) { return static_cast<double>(h.failed_runs); });
}

void WriteRocks(TextWriter& w, store::RocksStore* rocks, services::IntakePipeline* intake) {
  const store::RocksStats st = rocks->Stats();
  auto counter = [&](const char* name, const char* help, double v) {
    w.Header(name, help, Type::kCounter);
    w.Sample(name, {}, v);
  };
  counter("aw_rocksdb_write_groups_total", "WriteBatches written by the RocksDB writer.", double(st.groups));
  counter("aw_rocksdb_write_ops_total", "Write operations in them.", double(st.ops));
  counter("aw_store_fsyncs_total", "Store fsyncs (RocksDB: WAL syncs asked for by the writer).",
          double(st.syncs));
  w.Header("aw_rocksdb_writer_cache_bytes",
           "Estimated bytes of the items the RocksDB writer keeps after reading them (capped, 128 MiB by default).",
           Type::kGauge);
  w.Sample("aw_rocksdb_writer_cache_bytes", {}, double(st.writer_cache_bytes));
  if (intake != nullptr) {
    const auto is = intake->stats();
    counter("aw_intake_pipeline_alerts_total", "Alerts written by the intake pipeline.", double(is.jobs));
    counter("aw_intake_pipeline_units_total",
            "Atomic units (batches of alerts) written by the intake pipeline.", double(is.units));
  }
  // RocksDB's own figures, as `store-stats` shows them.
  const nlohmann::json engine = rocks->EngineStats();
  w.Header("aw_rocksdb_engine", "RocksDB's own figures by name (GET /api/admin/store-stats: engine).",
           Type::kGauge);
  for (const auto& [key, value] : engine.items()) {
    double v = value.is_boolean()  ? (value.get<bool>() ? 1.0 : 0.0)
               : value.is_number() ? value.get<double>()
                                   : 0.0;
    w.Sample("aw_rocksdb_engine", {{"figure", key}}, v);
  }
}

void WriteDynamo(TextWriter& w, store::DynamoStore* dynamo) {
  const auto st = dynamo->Stats();
  w.Header("aw_dynamodb_requests_total", "HTTP requests to DynamoDB by operation (retries included).",
           Type::kCounter);
  for (const auto& [op, n] : st.calls) w.Sample("aw_dynamodb_requests_total", {{"operation", op}}, double(n));
  w.Header("aw_dynamodb_retries_total", "DynamoDB requests retried.", Type::kCounter);
  w.Sample("aw_dynamodb_retries_total", {}, double(st.retries));
  w.Header("aw_dynamodb_throttled_total", "DynamoDB answers that asked us to slow down.", Type::kCounter);
  w.Sample("aw_dynamodb_throttled_total", {}, double(st.throttled));
}

}  // namespace

std::vector<metrics::CollectorHandle> InstallCollectors(App* app, const Config& config) {
  auto& reg = metrics::Registry::Default();
  std::vector<metrics::CollectorHandle> handles;
  const double started =
      std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count();
  handles.push_back(reg.AddCollector([store = config.store, started](TextWriter& w) {
    w.Header("aw_build_info", "Always 1; the labels name the release and the store.", Type::kGauge);
    w.Sample("aw_build_info", {{"version", kVersion}, {"store", store}}, 1);
    w.Header("aw_process_start_time_seconds", "Start time of the process (Unix seconds).", Type::kGauge);
    w.Sample("aw_process_start_time_seconds", {}, started);
  }));
  handles.push_back(reg.AddCollector(WriteWorkers));
  handles.push_back(reg.AddCollector([](TextWriter& w) {
    const MallocStats m = ReadMallocStats();
    if (!m.available) return;  // not linked with jemalloc
    w.Header("aw_malloc_bytes",
             "jemalloc's figures (stats.allocated, active, resident, mapped, retained, metadata).",
             Type::kGauge);
    for (const auto& [kind, v] : {std::pair{"allocated", m.allocated},
                                  {"active", m.active},
                                  {"resident", m.resident},
                                  {"mapped", m.mapped},
                                  {"retained", m.retained},
                                  {"metadata", m.metadata}}) {
      w.Sample("aw_malloc_bytes", {{"kind", kind}}, double(v));
    }
  }));
  if (services::EventHub* hub = app->events()) {
    handles.push_back(reg.AddCollector([hub](TextWriter& w) {
      w.Header("aw_websocket_clients", "WebSocket clients subscribed to live events.", Type::kGauge);
      w.Sample("aw_websocket_clients", {}, double(hub->subscriber_count()));
      w.Header("aw_websocket_events_published_total", "Live events published.", Type::kCounter);
      w.Sample("aw_websocket_events_published_total", {}, double(hub->published()));
      w.Header("aw_websocket_events_encoded_total",
               "Live events serialised into a frame (once each, and only when a client may receive them).",
               Type::kCounter);
      w.Sample("aw_websocket_events_encoded_total", {}, double(hub->encoded()));
      w.Header("aw_websocket_updates_coalesced_total",
               "Queued incident_updated frames replaced by a newer state of the same incident.", Type::kCounter);
      w.Sample("aw_websocket_updates_coalesced_total", {}, double(hub->coalesced()));
      w.Header("aw_websocket_overflows_total", "Clients cut off because their queue overflowed.",
               Type::kCounter);
      w.Sample("aw_websocket_overflows_total", {}, double(hub->overflows()));
    }));
  }
  if (auto* rocks = dynamic_cast<store::RocksStore*>(app->backend_store())) {
    handles.push_back(
        reg.AddCollector([rocks, intake = app->intake()](TextWriter& w) { WriteRocks(w, rocks, intake); }));
  } else if (auto* dynamo = dynamic_cast<store::DynamoStore*>(app->backend_store())) {
    handles.push_back(reg.AddCollector([dynamo](TextWriter& w) { WriteDynamo(w, dynamo); }));
  }
  return handles;
}

Status MetricsEndpoint::Install(const Config& config, http::Router* api_router) {
  auto handler = [](http::Request&) { return http::MetricsResponse(); };
  if (config.metrics != "on") {
    // Not served on this port: a JSON 404 that says why, not the web UI's
    // page (the UI answers every other non-API path with its index.html).
    api_router->Add("GET", "/metrics", [](http::Request&) -> http::Response {
      Throw(ErrorKind::kNotFound, "not_found",
            "metrics are not served on this port (AW_METRICS=off or a listener of their own; docs/operations.md)");
    });
  }
  if (config.metrics == "off") return Status::OK();
  if (config.metrics == "on") {
    api_router->Add("GET", "/metrics", handler);
    spdlog::info("metrics: GET /metrics on the API port, without a token (AW_METRICS=on)");
    return Status::OK();
  }
  router_.Add("GET", "/metrics", handler);
  http::ServerOptions opts;
  opts.address = config.metrics_address;
  opts.port = config.metrics_port;
  opts.io_threads = 1;
  opts.worker_threads = 2;
  opts.max_connections = 64;
  opts.access_log = false;  // a scrape every few seconds would drown the log
  server_ = std::make_unique<http::Server>(opts, &router_);
  if (Status s = server_->Start(); !s.ok()) {
    return Status::Unavailable("AW_METRICS=" + config.metrics + ": " + s.message());
  }
  spdlog::info("metrics: GET /metrics on http://{}:{} (AW_METRICS)", config.metrics_address, server_->port());
  return Status::OK();
}

void MetricsEndpoint::Stop() {
  if (server_) server_->Stop();
}

}  // namespace aw::app
