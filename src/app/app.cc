#include "app/app.h"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>

#include <spdlog/spdlog.h>

#include "clients/http_client.h"
#include "crypto/hash.h"
#include "services/test_clock.h"
#include "app/dynamodb_setup.h"
#include "services/tz_database.h"
#include "store/rocksdb/rocks_store.h"
#include "store/tables.h"

namespace aw::app {

namespace fs = std::filesystem;

namespace {

// A data directory of a release before RocksDB (its SQLite file, no
// rocksdb/) would otherwise open as an empty store, its data silently out of
// sight. Checked before anything is written there.
Status RefuseSqliteEra(const Config& config) {
  std::error_code ec;
  if (fs::exists(config.data_dir + "/alertwhisperer.db", ec) && !fs::exists(config.data_dir + "/rocksdb", ec)) {
    return Status::InvalidArgument("data directory " + config.data_dir +
                                   " holds a SQLite store of an earlier release (alertwhisperer.db) and no RocksDB "
                                   "store: move it over with export/import (docs/migration.md)");
  }
  return Status::OK();
}

// The embedded store (AW_STORE=rocksdb), in the data directory.
Result<std::unique_ptr<store::Store>> OpenEmbeddedStore(const Config& config) {
  store::RocksOptions opts;
  opts.path = config.data_dir + "/rocksdb";
  opts.sweep_items = static_cast<int>(config.rocksdb_sweep_items);
  // Benchmarks only: AW_ROCKSDB_UNSAFE_NO_FSYNC=1 measures the server without
  // fsync (an acknowledged alert may then be lost on power failure).
  if (config.rocksdb_unsafe_no_fsync) {
    spdlog::warn("AW_ROCKSDB_UNSAFE_NO_FSYNC=1: commits are not fsynced; acknowledged alerts may be lost");
    opts.sync = false;
  }
  auto st = store::RocksStore::Open(opts, SystemClock::Default());
  if (!st.ok()) return st.status();
  return std::unique_ptr<store::Store>(std::move(st).value());
}

}  // namespace

Result<std::string> ReadOrCreateKeyFile(const std::string& path, size_t n) {
  std::error_code ec;
  if (fs::exists(path, ec)) {
    std::ifstream in(path, std::ios::binary);
    std::string data((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    if (data.size() != n) {
      return Status::InvalidArgument("key file " + path + " is damaged: expected " + std::to_string(n) +
                                     " bytes, found " + std::to_string(data.size()));
    }
    return data;
  }
  std::string data = crypto::RandomBytes(n);
  std::string tmp = path + ".tmp";
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    if (!out) return Status::InvalidArgument("cannot create key file " + path);
    out.write(data.data(), static_cast<std::streamsize>(data.size()));
    out.flush();
    if (!out) return Status::InvalidArgument("cannot write key file " + path);
  }
  ::chmod(tmp.c_str(), 0600);
  fs::rename(tmp, path, ec);
  if (ec) return Status::InvalidArgument("cannot create key file " + path + ": " + ec.message());
  spdlog::info("created {}", path);
  return data;
}

Status App::LockDataDir() {
  const std::string path = config_.data_dir + "/alertwhisperer.lock";
  int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
  if (fd < 0) return Status::InvalidArgument("cannot create " + path + ": " + std::strerror(errno));
  if (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
    char buf[32] = {0};
    ssize_t n = ::pread(fd, buf, sizeof(buf) - 1, 0);
    std::string pid = n > 0 ? std::string(buf, static_cast<size_t>(n)) : std::string("unknown");
    while (!pid.empty() && (pid.back() == '\n' || pid.back() == ' ')) pid.pop_back();
    ::close(fd);
    return Status::InvalidArgument("data directory " + config_.data_dir +
                                   " is in use by another alertwhisperer process (pid " + pid +
                                   "); stop it first, or use the API while it runs");
  }
  std::string pid = std::to_string(::getpid()) + "\n";
  if (::ftruncate(fd, 0) != 0 || ::pwrite(fd, pid.data(), pid.size(), 0) < 0) {
    spdlog::warn("cannot write the pid into {}: {}", path, std::strerror(errno));
  }
  lock_.fd = fd;  // held until the App is destroyed (or the process exits)
  return Status::OK();
}

Status App::LoadSecrets() {
  std::string master;
  if (!config_.master_key_b64.empty()) {
    auto raw = crypto::Base64Decode(config_.master_key_b64);
    if (!raw || raw->size() != crypto::SecretBox::kKeySize) {
      return Status::InvalidArgument("setting AW_MASTER_KEY is invalid: it must be 32 bytes, base64-encoded "
                                     "(e.g. the output of `openssl rand -base64 32`)");
    }
    master = *raw;
  } else if (config_.store == "dynamodb") {
    return Status::InvalidArgument(
        "setting AW_MASTER_KEY is missing: replicas on DynamoDB share no disk, so the key for secrets at "
        "rest must come from configuration");
  } else {
    auto k = ReadOrCreateKeyFile(config_.data_dir + "/master.key", crypto::SecretBox::kKeySize);
    if (!k.ok()) return k.status();
    master = *k;
  }
  auto box = crypto::SecretBox::FromKey(master);
  if (!box.ok()) return box.status();
  secrets_ = std::make_unique<crypto::SecretBox>(std::move(box).value());

  if (config_.jwt_secret.empty()) {
    if (config_.store == "dynamodb") {
      return Status::InvalidArgument(
          "setting JWT_SECRET is missing: replicas on DynamoDB must share one signing secret");
    }
    auto k = ReadOrCreateKeyFile(config_.data_dir + "/jwt_secret", 48);
    if (!k.ok()) return k.status();
    config_.jwt_secret = crypto::HexEncode(*k);
  }
  return Status::OK();
}

Result<std::unique_ptr<App>> App::Open(const Config& config) {
  services::SetTimeZoneDir(config.tz_dir);
  std::unique_ptr<App> app(new App(config));
  std::error_code ec;
  fs::create_directories(app->config_.data_dir, ec);
  if (ec) {
    return Status::InvalidArgument("setting AW_DATA_DIR=\"" + app->config_.data_dir +
                                   "\" is invalid: cannot create it (" + ec.message() + ")");
  }
  if (app->config_.store == "dynamodb") {
    // Replicas share no disk: no data-directory lock, secrets from configuration.
    if (Status s = app->LoadSecrets(); !s.ok()) return s;
    auto st = OpenDynamoStore(app->config_, {.create_missing = app->config_.dynamodb_create_tables},
                              SystemClock::Default());
    if (!st.ok()) return st.status();
    app->store_ = std::move(st).value();
  } else {
    // One process per data directory (the embedded store): the store's writer, caches and
    // in-flight maps assume they are the only writer.
    if (Status s = RefuseSqliteEra(app->config_); !s.ok()) return s;
    if (Status s = app->LockDataDir(); !s.ok()) return s;
    if (Status s = app->LoadSecrets(); !s.ok()) return s;

    auto st = OpenEmbeddedStore(app->config_);
    if (!st.ok()) return st.status();
    app->store_ = std::move(st).value();
  }
  app->store_ = std::make_unique<store::MeteredStore>(std::move(app->store_), app->config_.store);
  if (Status s = app->CreateTables(); !s.ok()) return s;

  auto& ctx = app->ctx_;
  ctx.store = app->store_.get();
  ctx.clock = SystemClock::Default();
  if (app->config_.test_clock_offset_seconds != 0) {
    app->test_clock_ = std::make_unique<services::OffsetClock>(app->config_.test_clock_offset_seconds);
    ctx.clock = app->test_clock_.get();
    spdlog::warn("AW_TEST_CLOCK_OFFSET_SECONDS={}: this server's clock is shifted for tests; never use it in production",
                 app->config_.test_clock_offset_seconds);
  }
  ctx.secrets = app->secrets_.get();
  ctx.settings.jwt_secret = app->config_.jwt_secret;
  ctx.settings.jwt_expiration_hours = app->config_.jwt_expiration_hours;
  ctx.settings.refresh_token_days = app->config_.refresh_token_days;
  ctx.settings.alert_ttl_days = app->config_.alert_ttl_days;
  ctx.settings.audit_ttl_days = app->config_.audit_ttl_days;
  app->users_ = std::make_unique<services::UserService>(&ctx);
  // One process owns an embedded store: the API-key cache is exact there;
  // on DynamoDB each replica trusts an entry for at most 5 s.
  app->companies_ = std::make_unique<services::CompanyService>(&ctx, app->config_.store != "dynamodb");
  app->auth_ = std::make_unique<services::AuthService>(&ctx, app->users_.get());
  app->configs_ = std::make_unique<services::ConfigService>(&ctx);
  app->kpis_ = std::make_unique<services::KpiService>(&ctx);
  app->assets_ = std::make_unique<services::AssetService>(&ctx);
  app->incidents_ = std::make_unique<services::IncidentService>(&ctx, app->configs_.get(), app->kpis_.get());
  app->alerts_ = std::make_unique<services::AlertService>(&ctx, app->assets_.get(), app->incidents_.get(),
                                                          app->kpis_.get());
  // Noise control: on the embedded store (one process) the per-company
  // snapshot is exact; on DynamoDB each replica re-reads it after 5 s, like
  // the other intake settings (docs/noise-control.md).
  app->noise_ = std::make_unique<services::NoiseService>(&ctx, app->configs_.get(),
                                                         app->config_.store == "dynamodb" ? 5'000'000 : 0);
  app->alerts_->UseNoise(app->noise_.get());
  if (app->config_.EmbeddedStore()) {
    // One process owns the data directory (LockDataDir): intake runs as one
    // atomic unit per batch of alerts (services/intake/intake_pipeline.h).
    app->intake_ = std::make_unique<services::IntakePipeline>(&ctx, app->assets_.get(), app->incidents_.get(),
                                                              app->kpis_.get(), app->noise_.get());
    app->alerts_->UsePipeline(app->intake_.get());
  }
  // Replicas share the signed-delivery log through DynamoDB; one process
  // owning an embedded store keeps it in memory.
  app->webhook_security_ = std::make_unique<services::WebhookSecurityService>(&ctx, app->configs_.get(),
                                                                              app->config_.store == "dynamodb");
  app->rate_limiter_ = std::make_unique<services::RateLimiter>(&ctx, app->configs_.get());
  app->tool_intake_ = std::make_unique<services::IntakeService>(&ctx, app->configs_.get(), app->incidents_.get());
  app->audit_ = std::make_unique<services::AuditService>(&ctx);
  if (!app->config_.sns_cert_base_url.empty()) {
    spdlog::warn("AW_SNS_CERT_BASE_URL={}: SNS certificates and confirmations come from a stand-in; tests only",
                 app->config_.sns_cert_base_url);
  }
  app->sns_ = std::make_unique<services::SnsVerifier>(
      ctx.clock, clients::HttpClient::Default(), services::SnsOptions{.url_override = app->config_.sns_cert_base_url});
  if (Status s = app->OpenNotifications(); !s.ok()) return s;
  app->oncall_ = std::make_unique<services::OnCallService>(&ctx, app->users_.get());
  app->sla_ = std::make_unique<services::SlaService>(&ctx, app->configs_.get(), app->oncall_.get());
  app->sla_->UseNoise(app->noise_.get());
  app->escalation_ = std::make_unique<services::EscalationService>(
      &ctx, app->configs_.get(), app->incidents_.get(), app->oncall_.get(), app->sla_.get(), app->audit_.get());
  app->incident_worker_ =
      std::make_unique<services::IncidentResponseWorker>(&ctx, app->sla_.get(), app->escalation_.get());
  app->heartbeats_ = std::make_unique<services::HeartbeatService>(&ctx, app->alerts_.get());
  app->incident_worker_->UseHeartbeats(app->heartbeats_.get());
  app->incidents_->AddDecorator(
      [sla = app->sla_.get()](const std::string& company_id, nlohmann::json& incident) { sla->Stamp(company_id, incident); });
  app->analysis_ = std::make_unique<services::ai::AnalysisService>(&ctx, app->incidents_.get(), app->config_.ai,
                                                                   clients::HttpClient::Default());
  app->runbooks_ = std::make_unique<services::RunbookService>(&ctx);
  app->approvals_ = std::make_unique<services::ApprovalService>(
      &ctx, app->audit_.get(), int64_t{app->config_.approval_ttl_minutes} * 60);
  services::AwsOptions aws;
  aws.ssm_endpoint = app->config_.ssm_endpoint;
  aws.sts_endpoint = app->config_.sts_endpoint;
  aws.default_region = app->config_.aws_region;
  aws.caller = app->config_.AwsCredentials();
  app->aws_credentials_ = std::make_unique<services::AwsCredentialsService>(
      &ctx, app->configs_.get(), clients::HttpClient::Default(), aws);
  services::ExecutionOptions exec;
  exec.poll_interval = std::chrono::milliseconds(app->config_.runbook_poll_ms);
  exec.exclusive_store = app->config_.EmbeddedStore();  // one process per data directory
  app->executions_ = std::make_unique<services::ExecutionService>(
      &ctx, app->incidents_.get(), app->runbooks_.get(), app->approvals_.get(), app->aws_credentials_.get(),
      app->configs_.get(), app->audit_.get(), clients::HttpClient::Default(), exec);
  app->incidents_->AddListener([ex = app->executions_.get()](const std::string& type, const nlohmann::json& inc) {
    ex->OnIncidentEvent(type, inc);
  });
  return app;
}

Status App::CreateTables() {
  for (const auto& spec : store::tables::All()) {
    if (Status s = store_->CreateTable(spec); !s.ok()) {
      return Status(s.code(), "cannot create table " + spec.name + ": " + s.message());
    }
  }
  return Status::OK();
}

App::~App() {
  // Services that write in the background stop before the store does.
  if (incident_worker_) incident_worker_->Stop();
  if (executions_) executions_->Stop();
  if (approvals_) approvals_->Stop();
  kpis_.reset();
  if (store_) (void)store_->Flush();
}

App::DirLock::~DirLock() {
  if (fd >= 0) ::close(fd);  // releases the data directory
}

}  // namespace aw::app
