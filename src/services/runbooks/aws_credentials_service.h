#pragma once

// Per-company AWS access for runbook execution (CompanyConfigs, config_type
// "aws_credentials"). Two modes:
//   - "access_key": an access key id and secret access key of the client's
//     account, both sealed with ctx->secrets (the company id as associated
//     data); only the first 4 characters of the key id are shown.
//   - "assume_role": a role ARN and external id in the client's account,
//     assumed through STS AssumeRole with the server's own credentials
//     (AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY / AWS_SESSION_TOKEN);
//     the external id is sealed and never shown.
// Temporary role credentials are cached per company until 5 minutes before
// they expire.
//
// Thread-safe. Put/View/Remove throw ApiError; Resolve returns a Status and
// never puts a secret in it.

#include <map>
#include <mutex>
#include <nlohmann/json.hpp>
#include <string>

#include "base/status.h"
#include "clients/aws_call.h"
#include "clients/http_client.h"
#include "services/config_service.h"
#include "services/context.h"

namespace aw::services {

struct AwsOptions {
  std::string ssm_endpoint;  // empty: https://ssm.<region>.amazonaws.com
  std::string sts_endpoint;  // empty: https://sts.<region>.amazonaws.com
  std::string default_region = "us-east-1";
  clients::SigV4Credentials caller;  // the server's own, to assume roles with (app/config)
};

// What a runbook execution needs to call SSM for a company.
struct ResolvedAws {
  clients::SigV4Credentials credentials;
  clients::AwsTarget ssm;
  std::string mode;
};

class AwsCredentialsService {
 public:
  AwsCredentialsService(Context* ctx, ConfigService* configs, const clients::HttpClient* http,
                        AwsOptions options)
      : ctx_(ctx), configs_(configs), http_(http), options_(std::move(options)) {}

  // Validates the body (422 naming the field) and stores it; returns the view.
  nlohmann::json Put(const std::string& company_id, const nlohmann::json& body);
  // The view (no secret). 404 when none is configured.
  nlohmann::json View(const std::string& company_id);
  void Remove(const std::string& company_id);

  // kNotFound: none configured; kUnauthenticated / kUnavailable / ...: from
  // STS or the sealed values (message safe to show and log).
  Result<ResolvedAws> Resolve(const std::string& company_id);

  const AwsOptions& options() const { return options_; }

 private:
  struct CachedRole {
    clients::SigV4Credentials credentials;
    int64_t expires_epoch = 0;
    std::string role_arn;
  };

  Context* ctx_;
  ConfigService* configs_;
  const clients::HttpClient* http_;
  AwsOptions options_;
  std::mutex mu_;
  std::map<std::string, CachedRole> role_cache_;
};

}  // namespace aw::services
