#include <iostream>

#include "app/app.h"
#include "app/migrate.h"
#include "services/list_index.h"

namespace aw::app {

int RunMigrateVerb(const std::string& verb, const std::string& dir, App* app) {
  auto run = [&]() -> Result<migrate::Report> {
    if (verb == "import-mongo") {
      migrate::MapContext ctx;
      ctx.secrets = app->context()->secrets;
      ctx.now_us = app->context()->clock->NowMicros();
      ctx.alert_ttl_days = app->config().alert_ttl_days;
      ctx.audit_ttl_days = app->config().audit_ttl_days;
      return migrate::ImportMongo(app->store(), ctx, dir);
    }
    if (verb == "export") return migrate::ExportTables(app->store(), dir);
    return migrate::ImportTables(app->store(), dir);
  };
  Result<migrate::Report> r = run();
  if (!r.ok()) {
    std::cerr << "alertwhisperer: " << verb << " failed: " << r.status().message() << std::endl;
    return 2;
  }
  r->Print(std::cout);
  if (verb != "export") {
    // Imported items get the attributes of the cross-company list indexes.
    auto b = services::list_index::Backfill(app->store());
    if (!b.ok()) {
      std::cerr << "alertwhisperer: " << verb << " failed: list indexes: " << b.status().message() << std::endl;
      return 2;
    }
    std::cout << "list indexes: " << b->incidents_fixed << " incidents, " << b->alerts_fixed << " alerts stamped"
              << std::endl;
  }
  if (r->bad_lines() > 0) {
    std::cout << verb << " finished; " << r->bad_lines() << " bad line(s) were skipped (listed above)" << std::endl;
    return 1;
  }
  std::cout << verb << " finished" << (verb == "export" ? " in " + dir : std::string()) << std::endl;
  return 0;
}

}  // namespace aw::app
