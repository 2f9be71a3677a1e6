#include "app/config.h"

#include <charconv>
#include <fstream>

extern char** environ;

namespace aw::app {

namespace {

std::string Trim(std::string s) {
  size_t b = s.find_first_not_of(" \t\r\n");
  size_t e = s.find_last_not_of(" \t\r\n");
  return b == std::string::npos ? "" : s.substr(b, e - b + 1);
}

Status Bad(const std::string& name, const std::string& value, const std::string& want) {
  return Status::InvalidArgument("setting " + name + "=\"" + value + "\" is invalid: " + want);
}

Status ParseInt(const EnvMap& env, const std::string& name, int64_t lo, int64_t hi, int64_t* out) {
  auto it = env.find(name);
  if (it == env.end() || it->second.empty()) return Status::OK();
  const std::string& v = it->second;
  int64_t x = 0;
  auto [p, ec] = std::from_chars(v.data(), v.data() + v.size(), x);
  if (ec != std::errc() || p != v.data() + v.size() || x < lo || x > hi) {
    return Bad(name, v, "expected a whole number from " + std::to_string(lo) + " to " + std::to_string(hi));
  }
  *out = x;
  return Status::OK();
}

// AW_METRICS (Config::metrics).
Status ParseMetrics(const std::string& v, Config* c) {
  if (v == "off" || v == "false" || v == "0") {
    c->metrics = "off";
    return Status::OK();
  }
  if (v == "on" || v == "true") {
    c->metrics = "on";
    return Status::OK();
  }
  const size_t colon = v.rfind(':');
  std::string host = colon == std::string::npos ? "127.0.0.1" : v.substr(0, colon);
  const std::string port = colon == std::string::npos ? v : v.substr(colon + 1);
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']') host = host.substr(1, host.size() - 2);
  int64_t n = 0;
  auto [p, ec] = std::from_chars(port.data(), port.data() + port.size(), n);
  if (host.empty() || ec != std::errc() || p != port.data() + port.size() || n < 1 || n > 65535) {
    return Bad(
        "AW_METRICS", v,
        "expected off, on, or <address>:<port> of a listener for /metrics alone (e.g. 127.0.0.1:9464)");
  }
  c->metrics = v;
  c->metrics_address = host;
  c->metrics_port = static_cast<uint16_t>(n);
  return Status::OK();
}

}  // namespace

EnvMap ReadDotEnv(const std::string& path) {
  EnvMap out;
  std::ifstream in(path);
  std::string line;
  while (std::getline(in, line)) {
    line = Trim(line);
    if (line.empty() || line[0] == '#') continue;
    if (line.rfind("export ", 0) == 0) line = Trim(line.substr(7));
    auto eq = line.find('=');
    if (eq == std::string::npos) continue;
    std::string key = Trim(line.substr(0, eq));
    std::string val = Trim(line.substr(eq + 1));
    if (val.size() >= 2 && (val.front() == '"' || val.front() == '\'') && val.back() == val.front()) {
      val = val.substr(1, val.size() - 2);
    }
    out[key] = val;
  }
  return out;
}

EnvMap ProcessEnv() {
  EnvMap env = ReadDotEnv(".env");
  for (char** e = environ; e != nullptr && *e != nullptr; ++e) {
    std::string kv(*e);
    auto eq = kv.find('=');
    if (eq != std::string::npos) env[kv.substr(0, eq)] = kv.substr(eq + 1);
  }
  return env;
}

Result<Config> LoadConfig(const EnvMap& env) {
  Config c;
  auto get = [&](const char* name) -> std::optional<std::string> {
    auto it = env.find(name);
    if (it == env.end() || it->second.empty()) return std::nullopt;
    return it->second;
  };
  int64_t n = c.port;
  if (auto s = ParseInt(env, "PORT", 1, 65535, &n); !s.ok()) return s;
  c.port = static_cast<uint16_t>(n);
  n = c.io_threads;
  if (auto s = ParseInt(env, "AW_IO_THREADS", 1, 64, &n); !s.ok()) return s;
  c.io_threads = static_cast<int>(n);
  n = c.worker_threads;
  if (auto s = ParseInt(env, "AW_WORKER_THREADS", 1, 1024, &n); !s.ok()) return s;
  c.worker_threads = static_cast<int>(n);
  n = static_cast<int64_t>(c.max_body_bytes);
  if (auto s = ParseInt(env, "AW_MAX_BODY_BYTES", 1024, 64 << 20, &n); !s.ok()) return s;
  c.max_body_bytes = static_cast<size_t>(n);
  if (auto s = ParseInt(env, "AW_MAX_CONNECTIONS", 1, 1'000'000, &c.max_connections); !s.ok()) return s;
  if (auto s = ParseInt(env, "AW_MAX_CONNECTIONS_PER_IP", 0, 1'000'000, &c.max_connections_per_ip); !s.ok()) {
    return s;
  }
  n = c.header_timeout_seconds;
  if (auto s = ParseInt(env, "AW_HEADER_TIMEOUT_SECONDS", 1, 300, &n); !s.ok()) return s;
  c.header_timeout_seconds = static_cast<int>(n);
  n = c.jwt_expiration_hours;
  if (auto s = ParseInt(env, "JWT_EXPIRATION_HOURS", 1, 24 * 365, &n); !s.ok()) return s;
  c.jwt_expiration_hours = static_cast<int>(n);
  n = c.refresh_token_days;
  if (auto s = ParseInt(env, "AW_REFRESH_TOKEN_DAYS", 1, 365, &n); !s.ok()) return s;
  c.refresh_token_days = static_cast<int>(n);
  n = c.alert_ttl_days;
  if (auto s = ParseInt(env, "AW_ALERT_TTL_DAYS", 1, 3650, &n); !s.ok()) return s;
  c.alert_ttl_days = static_cast<int>(n);
  n = c.audit_ttl_days;
  if (auto s = ParseInt(env, "AW_AUDIT_TTL_DAYS", 1, 3650, &n); !s.ok()) return s;
  c.audit_ttl_days = static_cast<int>(n);
  n = c.worker_interval_seconds;
  if (auto s = ParseInt(env, "AW_WORKER_INTERVAL_SECONDS", 1, 3600, &n); !s.ok()) return s;
  c.worker_interval_seconds = static_cast<int>(n);
  n = c.ws_recheck_seconds;
  if (auto s = ParseInt(env, "AW_WS_RECHECK_SECONDS", 1, 3600, &n); !s.ok()) return s;
  c.ws_recheck_seconds = static_cast<int>(n);
  n = 0;
  if (auto s = ParseInt(env, "AW_TEST_CLOCK_OFFSET_SECONDS", -3650LL * 86400, 3650LL * 86400, &n); !s.ok()) return s;
  c.test_clock_offset_seconds = n;

  if (auto v = get("AW_BIND_ADDRESS")) c.address = *v;
  if (auto v = get("AW_METRICS")) {
    if (Status s = ParseMetrics(*v, &c); !s.ok()) return s;
  }
  if (auto v = get("AW_LOG_LEVEL")) {
    if (*v != "trace" && *v != "debug" && *v != "info" && *v != "warn" && *v != "error") {
      return Bad("AW_LOG_LEVEL", *v, "expected trace, debug, info, warn or error");
    }
    c.log_level = *v;
  }
  if (auto v = get("AW_STORE")) {
    if (*v == "sqlite") {
      return Bad("AW_STORE", *v,
                 "SQLite is no longer an embedded store: use rocksdb (a SQLite-era data directory moves over with "
                 "export and import, docs/migration.md) or dynamodb");
    }
    if (*v != "rocksdb" && *v != "dynamodb") {
      return Bad("AW_STORE", *v, "expected rocksdb or dynamodb");
    }
    c.store = *v;
  }
  if (auto v = get("AW_DATA_DIR")) c.data_dir = *v;
  if (auto v = get("AW_WEB_DIR")) c.web_dir = *v;
  if (auto v = get("DYNAMODB_TABLE_PREFIX")) c.table_prefix = *v;
  if (auto v = get("AWS_REGION")) c.aws_region = *v;
  if (auto v = get("DYNAMODB_ENDPOINT")) c.dynamodb_endpoint = *v;
  if (auto v = get("AWS_ACCESS_KEY_ID")) c.aws_access_key_id = *v;
  if (auto v = get("AWS_SECRET_ACCESS_KEY")) c.aws_secret_access_key = *v;
  if (auto v = get("AWS_SESSION_TOKEN")) c.aws_session_token = *v;
  c.rocksdb_unsafe_no_fsync = get("AW_ROCKSDB_UNSAFE_NO_FSYNC") == "1";
  if (auto s = ParseInt(env, "AW_ROCKSDB_SWEEP_ITEMS", 1, 100'000, &c.rocksdb_sweep_items); !s.ok()) return s;
  if (auto v = get("TZDIR")) c.tz_dir = *v;
  if (auto v = get("AW_DYNAMODB_CREATE_TABLES")) {
    if (*v != "true" && *v != "false") return Bad("AW_DYNAMODB_CREATE_TABLES", *v, "expected true or false");
    c.dynamodb_create_tables = *v == "true";
  }
  if (!c.dynamodb_endpoint.empty() && c.dynamodb_endpoint.rfind("http://", 0) != 0 &&
      c.dynamodb_endpoint.rfind("https://", 0) != 0) {
    return Bad("DYNAMODB_ENDPOINT", c.dynamodb_endpoint, "expected an http:// or https:// URL");
  }
  if (auto v = get("AW_DEMO")) {
    if (*v == "true" || *v == "1" || *v == "yes" || *v == "on") {
      c.demo = true;
    } else if (*v == "false" || *v == "0" || *v == "no" || *v == "off") {
      c.demo = false;
    } else {
      return Bad("AW_DEMO", *v, "expected true or false");
    }
  }
  if (auto v = get("JWT_SECRET")) {
    if (v->size() < 32) {
      return Status::InvalidArgument("setting JWT_SECRET is invalid: it must be at least 32 characters long");
    }
    c.jwt_secret = *v;
  }
  if (auto v = get("JWT_ALGORITHM")) {
    if (*v != "HS256") return Bad("JWT_ALGORITHM", *v, "only HS256 is supported");
  }
  if (auto v = get("AW_MASTER_KEY")) c.master_key_b64 = *v;  // decoded and checked at start-up
  if (c.test_clock_offset_seconds != 0) {
    auto mode = get("AW_TEST_MODE");
    if (!mode || *mode != "1") {
      return Status::InvalidArgument(
          "setting AW_TEST_CLOCK_OFFSET_SECONDS is only for tests: it needs AW_TEST_MODE=1 as well; unset it");
    }
  }
  if (auto v = get("AW_SNS_CERT_BASE_URL")) {
    auto mode = get("AW_TEST_MODE");
    if (!mode || *mode != "1") {
      return Status::InvalidArgument(
          "setting AW_SNS_CERT_BASE_URL is only for tests: it needs AW_TEST_MODE=1 as well; unset it");
    }
    if (v->rfind("http://", 0) != 0 && v->rfind("https://", 0) != 0) {
      return Bad("AW_SNS_CERT_BASE_URL", *v, "expected an http:// or https:// URL");
    }
    c.sns_cert_base_url = *v;
    while (!c.sns_cert_base_url.empty() && c.sns_cert_base_url.back() == '/') c.sns_cert_base_url.pop_back();
  }
  // Email (SMTP or SES)
  n = c.smtp_port;
  if (auto s = ParseInt(env, "AW_SMTP_PORT", 1, 65535, &n); !s.ok()) return s;
  c.smtp_port = static_cast<int>(n);
  if (auto v = get("AW_SMTP_HOST")) c.smtp_host = *v;
  if (auto v = get("AW_SMTP_USERNAME")) c.smtp_username = *v;
  if (auto v = get("AW_SMTP_PASSWORD")) c.smtp_password = *v;
  if (auto v = get("AW_SMTP_FROM")) c.smtp_from = *v;
  if (auto v = get("AW_SMTP_STARTTLS")) {
    if (*v == "true" || *v == "1" || *v == "yes" || *v == "on") {
      c.smtp_starttls = true;
    } else if (*v == "false" || *v == "0" || *v == "no" || *v == "off") {
      c.smtp_starttls = false;
    } else {
      return Bad("AW_SMTP_STARTTLS", *v, "expected true or false");
    }
  }
  if (!c.smtp_host.empty() && c.smtp_from.empty()) {
    return Status::InvalidArgument("setting AW_SMTP_FROM is missing: AW_SMTP_HOST is set, so email needs a sender address");
  }
  if (!c.smtp_username.empty() && c.smtp_password.empty()) {
    return Status::InvalidArgument("setting AW_SMTP_PASSWORD is missing: AW_SMTP_USERNAME is set");
  }
  c.ses_region = get("AWS_SES_REGION").value_or(c.aws_region);
  if (auto v = get("AWS_SES_FROM_EMAIL")) c.ses_from_email = *v;
  if (auto v = get("AW_SES_ENDPOINT")) c.ses_endpoint = *v;
  // Runbooks
  n = c.approval_ttl_minutes;
  if (auto s = ParseInt(env, "AW_APPROVAL_TTL_MINUTES", 1, 7 * 24 * 60, &n); !s.ok()) return s;
  c.approval_ttl_minutes = static_cast<int>(n);
  n = c.runbook_poll_ms;
  if (auto s = ParseInt(env, "AW_RUNBOOK_POLL_MS", 50, 60000, &n); !s.ok()) return s;
  c.runbook_poll_ms = static_cast<int>(n);
  for (auto [name, field] : {std::pair{"AW_SSM_ENDPOINT", &c.ssm_endpoint}, std::pair{"AW_STS_ENDPOINT", &c.sts_endpoint}}) {
    if (auto v = get(name)) {
      if (v->rfind("http://", 0) != 0 && v->rfind("https://", 0) != 0) {
        return Bad(name, *v, "expected an http:// or https:// URL");
      }
      *field = *v;
    }
  }
  auto ai = services::ai::LoadAiSettings(env);
  if (!ai.ok()) return ai.status();
  c.ai = std::move(ai).value();
  c.ai.aws_credentials = c.AwsCredentials();
  return c;
}

}  // namespace aw::app
