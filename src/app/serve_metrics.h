#pragma once

// GET /metrics for `serve` (docs/operations.md, "Metrics"): the scrape-time
// collectors that read figures living elsewhere (build, workers' lag,
// WebSocket clients, the store engine's own counters), and where the route
// is exposed (AW_METRICS: off, on the API port, or a listener of its own).

#include <memory>
#include <vector>

#include "app/app.h"
#include "app/config.h"
#include "base/metrics.h"
#include "base/status.h"
#include "http/router.h"
#include "http/server.h"

namespace aw::app {

// Registers the collectors; they stop when the handles go (before `app`).
std::vector<metrics::CollectorHandle> InstallCollectors(App* app, const Config& config);

// The metrics endpoint as configured: on `api_router` (AW_METRICS=on), on a
// listener of its own that it starts (AW_METRICS=<address>:<port>), or
// nowhere (off). Stop() the returned server (if any) before exit.
class MetricsEndpoint {
 public:
  Status Install(const Config& config, http::Router* api_router);
  void Stop();

 private:
  http::Router router_;
  std::unique_ptr<http::Server> server_;
};

}  // namespace aw::app
