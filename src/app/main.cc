// alertwhisperer: the server and its administration verbs.
//
//   alertwhisperer serve [--port N] [--data-dir DIR]
//   alertwhisperer seed [--data-dir DIR]
//   alertwhisperer tables create [--rcu N --wcu N] [--data-dir DIR]
//   alertwhisperer tables check [--data-dir DIR]
//   alertwhisperer user add --email E --name N --role R [--company ID]... < password
//   alertwhisperer import-mongo DIR [--data-dir DIR]     (docs/migration.md)
//   alertwhisperer export [--out DIR] [--data-dir DIR]
//   alertwhisperer import DIR [--data-dir DIR]
//   alertwhisperer index backfill [--data-dir DIR]     (docs/operations.md)

#include <csignal>
#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <string>

#include <CLI/CLI.hpp>
#include <spdlog/spdlog.h>

#include "app/app.h"
#include "app/config.h"
#include "app/logging.h"
#include "app/migrate.h"
#include "app/serve.h"
#include "app/backup_cli.h"
#include "app/tables_cli.h"
#include "app/version.h"
#include "base/errors.h"
#include "services/list_index.h"
#include "services/seed.h"

namespace {

int Fail(const std::string& sentence) {
  std::cerr << "alertwhisperer: " << sentence << std::endl;
  return 2;
}

}  // namespace

int main(int argc, char** argv) {
  // Signals are handled by `serve` with sigwait: block them before any thread starts.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGTERM);
  sigaddset(&signals, SIGINT);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);
  std::signal(SIGPIPE, SIG_IGN);

  CLI::App cli{"Alert Whisperer: alert intake, correlation and incident response for MSPs"};
  cli.require_subcommand(1);
  cli.set_version_flag("--version", std::string("alertwhisperer ") + aw::app::kVersion);
  std::string data_dir;
  std::string port;
  std::string email, name, role;
  std::vector<std::string> companies;

  auto* serve = cli.add_subcommand("serve", "Run the HTTP server");
  serve->add_option("--port", port, "Port to listen on, 1-65535 (env PORT, default 8001)");
  serve->add_option("--data-dir", data_dir, "Data directory (env AW_DATA_DIR, default ./data)");
  auto* seed = cli.add_subcommand("seed", "Create the demo data (idempotent)");
  seed->add_option("--data-dir", data_dir, "Data directory");
  auto* tables = cli.add_subcommand("tables", "Manage the store's tables");
  tables->require_subcommand(1);
  auto* tables_create = tables->add_subcommand("create", "Create the 11 tables (idempotent)");
  tables_create->add_option("--data-dir", data_dir, "Data directory");
  aw::app::TablesCreateOptions tables_opts;
  tables_create->add_option("--rcu", tables_opts.read_capacity, "DynamoDB: provisioned read capacity units (default on-demand)")
      ->check(CLI::Range(1, 40000));
  tables_create->add_option("--wcu", tables_opts.write_capacity, "DynamoDB: provisioned write capacity units (default on-demand)")
      ->check(CLI::Range(1, 40000));
  auto* tables_check = tables->add_subcommand("check", "List the tables and name anything missing or different");
  tables_check->add_option("--data-dir", data_dir, "Data directory");
  auto* user = cli.add_subcommand("user", "Manage users");
  user->require_subcommand(1);
  auto* user_add = user->add_subcommand("add", "Add a user; the password is read from standard input");
  user_add->add_option("--email", email, "Email address")->required();
  user_add->add_option("--name", name, "Display name")->required();
  user_add->add_option("--role", role, "msp_admin, company_admin, technician or client")
      ->required()
      ->check(CLI::IsMember({"msp_admin", "admin", "company_admin", "technician", "client"}));
  user_add->add_option("--company", companies, "Company id (repeatable)");
  user_add->add_option("--data-dir", data_dir, "Data directory");

  auto* index = cli.add_subcommand("index", "Maintain the cross-company list indexes");
  index->require_subcommand(1);
  auto* index_backfill = index->add_subcommand(
      "backfill", "Give items written before the list indexes existed their index attributes (idempotent)");
  index_backfill->add_option("--data-dir", data_dir, "Data directory");

  std::string migrate_dir;
  std::string export_dir = "aw-export";
  auto* import_mongo = cli.add_subcommand("import-mongo", "Import mongoexport JSON Lines of the original service");
  import_mongo->add_option("dir", migrate_dir, "Directory of <collection>.json files")->required();
  import_mongo->add_option("--data-dir", data_dir, "Data directory");
  auto* export_cmd = cli.add_subcommand("export", "Write every table to DIR/<Table>.jsonl");
  export_cmd->add_option("--out", export_dir, "Output directory (default ./aw-export)");
  export_cmd->add_option("--data-dir", data_dir, "Data directory");
  auto* import_cmd = cli.add_subcommand("import", "Read DIR/<Table>.jsonl into the store (idempotent)");
  import_cmd->add_option("dir", migrate_dir, "Directory written by export")->required();
  import_cmd->add_option("--data-dir", data_dir, "Data directory");

  std::string backup_dir;
  auto* backup_cmd = cli.add_subcommand(
      "backup", "Copy the RocksDB data directory to DIR, consistent, while the server runs (AW_STORE=rocksdb)");
  backup_cmd->add_option("dir", backup_dir, "New directory for the copy (must not exist)")->required();
  backup_cmd->add_option("--data-dir", data_dir, "Data directory");

  try {
    cli.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return cli.exit(e);
  }

  auto env = aw::app::ProcessEnv();
  if (!port.empty()) {
    char* end = nullptr;
    long v = std::strtol(port.c_str(), &end, 10);
    if (end == port.c_str() || *end != '\0' || v < 1 || v > 65535) {
      return Fail("setting --port=\"" + port + "\" is invalid: expected a whole number from 1 to 65535");
    }
    env["PORT"] = port;
  }
  if (!data_dir.empty()) env["AW_DATA_DIR"] = data_dir;
  auto config = aw::app::LoadConfig(env);
  if (!config.ok()) return Fail(config.status().message());
  aw::app::SetupLogging(config->log_level);

  if (serve->parsed()) return aw::app::Serve(*config);
  if (tables_create->parsed()) return aw::app::RunTablesCreate(*config, tables_opts, std::cout, std::cerr);
  if (tables_check->parsed()) return aw::app::RunTablesCheck(*config, std::cout, std::cerr);
  // Reads the store beside a running server: never opens the App.
  if (backup_cmd->parsed()) return aw::app::RunBackup(*config, backup_dir, std::cout, std::cerr);

  if (import_mongo->parsed() || import_cmd->parsed()) {
    // Checked before the store opens, so a mistyped directory leaves no new
    // data directory (keys, database) behind.
    std::error_code ec;
    if (!std::filesystem::is_directory(migrate_dir, ec)) {
      return Fail((import_mongo->parsed() ? "import-mongo" : "import") + std::string(" failed: directory ") +
                  migrate_dir + " does not exist");
    }
  }
  auto app = aw::app::App::Open(*config);
  if (!app.ok()) return Fail(app.status().message());
  try {
    if (seed->parsed()) {
      aw::services::SeedDemo((*app)->context(), (*app)->users(), (*app)->companies());
      std::cout << "Demo data is in place in " << config->data_dir << std::endl;
    } else if (import_mongo->parsed() || export_cmd->parsed() || import_cmd->parsed()) {
      return aw::app::RunMigrateVerb(import_mongo->parsed() ? "import-mongo" : export_cmd->parsed() ? "export" : "import",
                                     import_mongo->parsed() || import_cmd->parsed() ? migrate_dir : export_dir,
                                     app->get());
    } else if (index_backfill->parsed()) {
      auto b = aw::services::list_index::Backfill((*app)->store());
      if (!b.ok()) return Fail("index backfill failed: " + b.status().message());
      std::cout << "Incidents: " << b->incidents_seen << " seen, " << b->incidents_fixed << " updated" << std::endl
                << "Alerts: " << b->alerts_seen << " seen, " << b->alerts_fixed << " updated" << std::endl;
    } else if (tables_create->parsed()) {
      std::cout << "The 11 tables exist in " << config->data_dir << std::endl;
    } else if (user_add->parsed()) {
      std::string password;
      std::getline(std::cin, password);
      if (!password.empty() && password.back() == '\r') password.pop_back();
      aw::services::UserService::ValidatePassword(password);
      aw::services::NewUser nu;
      nu.email = email;
      nu.name = name;
      nu.password = password;
      aw::services::ParseRole(role, &nu.role);
      for (const auto& c : companies) {
        if (!(*app)->companies()->Find(c)) return Fail("company " + c + " does not exist");
      }
      nu.company_ids = companies;
      auto created = (*app)->users()->Create(nu);
      std::cout << "Created user " << created.value("id", "") << " <" << created.value("email", "") << ">"
                << std::endl;
    }
  } catch (const aw::ApiError& e) {
    return Fail(e.detail());
  }
  return 0;
}
