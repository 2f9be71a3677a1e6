#pragma once

// Configuration: environment variables (the seed's names first), a `.env`
// file in the working directory when present (real environment wins), then
// command-line overrides. Load() validates everything and returns one
// sentence naming the bad setting on failure.

#include <cstdint>
#include <map>
#include <optional>
#include <string>

#include "base/status.h"

namespace aw::app {

struct Config {
  // Server
  std::string address = "0.0.0.0";
  uint16_t port = 8001;
  int io_threads = 2;
  int worker_threads = 64;
  size_t max_body_bytes = 1 << 20;
  std::string log_level = "info";

  // Store
  std::string store = "sqlite";  // sqlite | dynamodb
  std::string data_dir = "./data";
  std::string table_prefix = "AlertWhisperer_";
  std::string aws_region = "us-east-1";
  std::string dynamodb_endpoint;

  // Demo data: unset means "on for sqlite, off for dynamodb".
  std::optional<bool> demo;

  // Auth
  std::string jwt_secret;            // empty: generated and kept in data_dir
  std::string jwt_algorithm = "HS256";
  int jwt_expiration_hours = 24;
  int refresh_token_days = 30;
  std::string master_key_b64;        // AW_MASTER_KEY; empty: key file in data_dir

  // Retention (days)
  int alert_ttl_days = 90;
  int audit_ttl_days = 365;

  bool DemoEnabled() const { return demo.value_or(store == "sqlite"); }
};

using EnvMap = std::map<std::string, std::string>;

// Reads KEY=VALUE lines (comments with #, optional quotes, optional
// `export `). Missing file: empty map.
EnvMap ReadDotEnv(const std::string& path);

// Builds a Config from `env` (real environment merged over .env by the
// caller). Errors are kInvalidArgument with one sentence naming the setting.
Result<Config> LoadConfig(const EnvMap& env);

// The process environment merged over ./.env.
EnvMap ProcessEnv();

}  // namespace aw::app
