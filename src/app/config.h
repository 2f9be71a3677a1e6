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
#include "clients/sigv4.h"
#include "services/ai/ai_settings.h"

namespace aw::app {

struct Config {
  // Server
  std::string address = "0.0.0.0";
  uint16_t port = 8001;
  int io_threads = 2;
  int worker_threads = 64;
  size_t max_body_bytes = 1 << 20;
  // Connection caps (http::ServerOptions). 0 for max_connections: derived
  // from the open-file limit at start (serve.cc); 0 per IP: no cap.
  int64_t max_connections = 0;
  int64_t max_connections_per_ip = 256;
  int header_timeout_seconds = 10;
  // AW_METRICS: "off" (default), "on" (GET /metrics on the API port, no
  // token) or "<address>:<port>" (a listener of its own, parsed into
  // metrics_address / metrics_port; a bare port means 127.0.0.1).
  std::string metrics = "off";
  std::string metrics_address;
  uint16_t metrics_port = 0;
  std::string log_level = "info";
  // AW_WEB_DIR: the built web UI (index.html and assets/); empty: looked for
  // beside the binary (http/static_assets.h).
  std::string web_dir;

  // Store
  std::string store = "rocksdb";  // rocksdb | dynamodb
  std::string data_dir = "./data";
  std::string table_prefix = "AlertWhisperer_";
  std::string aws_region = "us-east-1";
  std::string dynamodb_endpoint;
  // AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY / AWS_SESSION_TOKEN (DynamoDB store).
  std::string aws_access_key_id;
  std::string aws_secret_access_key;
  std::string aws_session_token;
  clients::SigV4Credentials AwsCredentials() const {
    return {aws_access_key_id, aws_secret_access_key, aws_session_token};
  }
  // AW_ROCKSDB_UNSAFE_NO_FSYNC=1 (benchmarks only): WAL writes are not fsynced.
  bool rocksdb_unsafe_no_fsync = false;
  // AW_ROCKSDB_SWEEP_ITEMS: most expired items one TTL sweep pass deletes on
  // the writer thread (store::RocksOptions::sweep_items).
  int64_t rocksdb_sweep_items = 500;
  // TZDIR: the tz database (services/tz_database.h); empty: /usr/share/zoneinfo.
  std::string tz_dir;
  // AW_DYNAMODB_CREATE_TABLES=true: `serve` creates missing tables itself
  // (development and tests); normally `alertwhisperer tables create` does.
  bool dynamodb_create_tables = false;

  // Demo data: unset means "on for the embedded store (rocksdb), off for dynamodb".
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

  // Incident-response worker (SLA monitor, escalation): seconds between runs.
  int worker_interval_seconds = 30;
  // Live updates: seconds between checks of an open WebSocket's token.
  int ws_recheck_seconds = 60;
  // Tests only: shifts the server's clock (needs AW_TEST_MODE=1).
  int64_t test_clock_offset_seconds = 0;
  // Tests only: a stand-in SNS (e.g. http://127.0.0.1:PORT) whose URLs replace
  // https://sns.<region>.amazonaws.com/ for SNS certificates and
  // confirmations (AW_SNS_CERT_BASE_URL; needs AW_TEST_MODE=1).
  std::string sns_cert_base_url;

  // AI assistant (AW_AI_*, GEMINI_API_KEY, AWS_BEDROCK_REGION, ...; docs/ai.md)
  services::ai::AiSettings ai;

  // Email for notifications: SMTP when AW_SMTP_HOST is set, else Amazon SES
  // when AWS_SES_FROM_EMAIL is set, else none.
  std::string smtp_host;
  int smtp_port = 587;
  std::string smtp_username;
  std::string smtp_password;
  std::string smtp_from;
  bool smtp_starttls = true;
  std::string ses_region;      // AWS_SES_REGION, default AWS_REGION
  std::string ses_from_email;  // AWS_SES_FROM_EMAIL
  std::string ses_endpoint;    // AW_SES_ENDPOINT (tests, VPC endpoints)

  // Runbooks (docs/runbooks.md)
  int approval_ttl_minutes = 60;  // AW_APPROVAL_TTL_MINUTES
  std::string ssm_endpoint;       // AW_SSM_ENDPOINT (tests, VPC endpoints)
  std::string sts_endpoint;       // AW_STS_ENDPOINT
  int runbook_poll_ms = 2000;     // AW_RUNBOOK_POLL_MS: SSM GetCommandInvocation polling

  // RocksDB: one process owns the data directory.
  bool EmbeddedStore() const { return store != "dynamodb"; }
  bool DemoEnabled() const { return demo.value_or(EmbeddedStore()); }
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
