#include "services/runbooks/aws_credentials_service.h"

#include <spdlog/spdlog.h>

#include <cctype>

#include "base/errors.h"
#include "clients/sts_client.h"

namespace aw::services {

using nlohmann::json;

namespace {

constexpr const char* kConfigType = "aws_credentials";

std::string Field(const json& body, const char* f, size_t min_len, size_t max_len, bool required) {
  if (!body.contains(f) || body[f].is_null()) {
    if (required) ThrowInvalidField(f, "field required");
    return "";
  }
  if (!body[f].is_string()) ThrowInvalidField(f, "must be a string");
  std::string s = body[f].get<std::string>();
  if (s.size() < min_len || s.size() > max_len) {
    ThrowInvalidField(
        f, "must be " + std::to_string(min_len) + " to " + std::to_string(max_len) + " characters long");
  }
  return s;
}

bool IsRegion(const std::string& r) {
  // e.g. us-east-1, eu-central-2, ap-southeast-3, us-gov-west-1
  if (r.size() < 9 || r.size() > 25) return false;
  int dashes = 0;
  for (char c : r) {
    if (c == '-') {
      ++dashes;
    } else if (!std::islower(static_cast<unsigned char>(c)) && !std::isdigit(static_cast<unsigned char>(c))) {
      return false;
    }
  }
  return dashes >= 2 && std::isdigit(static_cast<unsigned char>(r.back()));
}

bool AllOf(const std::string& s, const char* extra) {
  for (char c : s) {
    bool ok = std::isalnum(static_cast<unsigned char>(c)) ||
              std::string_view(extra).find(c) != std::string_view::npos;
    if (!ok) return false;
  }
  return true;
}

}  // namespace

json AwsCredentialsService::Put(const std::string& company_id, const json& body) {
  for (const auto& [k, v] : body.items()) {
    if (k != "mode" && k != "access_key_id" && k != "secret_access_key" && k != "region" && k != "role_arn" &&
        k != "external_id") {
      ThrowInvalidField(k, "unknown field");
    }
  }
  std::string mode;
  if (body.contains("mode") && !body["mode"].is_null()) {
    if (!body["mode"].is_string() || (body["mode"] != "access_key" && body["mode"] != "assume_role")) {
      ThrowInvalidField("mode", "must be one of: access_key, assume_role");
    }
    mode = body["mode"].get<std::string>();
  } else {
    mode = body.contains("role_arn") && !body["role_arn"].is_null() ? "assume_role" : "access_key";
  }
  std::string region = Field(body, "region", 0, 32, false);
  if (region.empty()) region = options_.default_region;
  if (!IsRegion(region)) ThrowInvalidField("region", "must be an AWS region such as us-east-1");
  json item = {{"mode", mode}, {"region", region}};
  if (mode == "access_key") {
    if (body.contains("role_arn") && !body["role_arn"].is_null()) {
      ThrowInvalidField("role_arn", "not used with mode access_key");
    }
    std::string key_id = Field(body, "access_key_id", 16, 128, true);
    if (!AllOf(key_id, "")) ThrowInvalidField("access_key_id", "must contain only letters and digits");
    std::string secret = Field(body, "secret_access_key", 16, 128, true);
    if (!AllOf(secret, "+/="))
      ThrowInvalidField("secret_access_key", "must contain only letters, digits and + / =");
    item["access_key_id_enc"] = ctx_->secrets->Seal(key_id, company_id);
    item["secret_access_key_enc"] = ctx_->secrets->Seal(secret, company_id);
    item["access_key_id_prefix"] = key_id.substr(0, 4);
  } else {
    std::string arn = Field(body, "role_arn", 20, 2048, true);
    // arn:aws:iam::123456789012:role/Name (also aws-cn, aws-us-gov partitions)
    auto iam = arn.find(":iam::");
    if (arn.rfind("arn:aws", 0) != 0 || iam == std::string::npos || arn.find(":role/", iam) != iam + 18 ||
        !AllOf(arn.substr(iam + 6, 12), "")) {
      ThrowInvalidField("role_arn",
                        "must be an IAM role ARN such as arn:aws:iam::123456789012:role/AlertWhisperer");
    }
    std::string external_id = Field(body, "external_id", 2, 1224, true);
    if (!AllOf(external_id, "_+=,.@:/-")) {
      ThrowInvalidField("external_id", "may contain only letters, digits and _ + = , . @ : / -");
    }
    if (body.contains("secret_access_key") && !body["secret_access_key"].is_null()) {
      ThrowInvalidField("secret_access_key", "not used with mode assume_role");
    }
    item["role_arn"] = arn;
    item["external_id_enc"] = ctx_->secrets->Seal(external_id, company_id);
  }
  configs_->Put(company_id, kConfigType, item);
  {
    std::lock_guard<std::mutex> lock(mu_);
    role_cache_.erase(company_id);
  }
  spdlog::info("aws credentials for company {} set (mode {}, region {})", company_id, mode, region);
  return View(company_id);
}

json AwsCredentialsService::View(const std::string& company_id) {
  auto item = configs_->Get(company_id, kConfigType);
  if (!item) Throw(ErrorKind::kNotFound, "not_found", "no AWS credentials are configured for this company");
  json out = {{"company_id", company_id},
              {"configured", true},
              {"mode", item->value("mode", "access_key")},
              {"region", item->value("region", "")},
              {"updated_at", item->value("updated_at", "")}};
  if (out["mode"] == "access_key") {
    out["access_key_id_prefix"] = item->value("access_key_id_prefix", "");
  } else {
    out["role_arn"] = item->value("role_arn", "");
    out["external_id_set"] = item->contains("external_id_enc");
  }
  return out;
}

void AwsCredentialsService::Remove(const std::string& company_id) {
  if (!configs_->Get(company_id, kConfigType)) {
    Throw(ErrorKind::kNotFound, "not_found", "no AWS credentials are configured for this company");
  }
  configs_->Delete(company_id, kConfigType);
  std::lock_guard<std::mutex> lock(mu_);
  role_cache_.erase(company_id);
}

Result<ResolvedAws> AwsCredentialsService::Resolve(const std::string& company_id) {
  std::optional<json> item;
  try {
    item = configs_->Get(company_id, kConfigType);
  } catch (const std::exception& e) {
    return Status::Unavailable(std::string("reading the AWS credentials failed: ") + e.what());
  }
  if (!item) return Status::NotFound("no AWS credentials are configured for this company");
  ResolvedAws out;
  out.mode = item->value("mode", "access_key");
  const std::string region = item->value("region", options_.default_region);
  out.ssm.region = region;
  out.ssm.service = "ssm";
  out.ssm.endpoint =
      options_.ssm_endpoint.empty() ? clients::DefaultAwsEndpoint("ssm", region) : options_.ssm_endpoint;
  if (out.mode == "access_key") {
    auto key = ctx_->secrets->Open(item->value("access_key_id_enc", ""), company_id);
    auto secret = ctx_->secrets->Open(item->value("secret_access_key_enc", ""), company_id);
    if (!key.ok() || !secret.ok()) {
      return Status::Unauthenticated("the stored AWS credentials cannot be opened with this master key");
    }
    out.credentials.access_key_id = *key;
    out.credentials.secret_access_key = *secret;
    return out;
  }
  const std::string role_arn = item->value("role_arn", "");
  const int64_t now = ctx_->clock->NowSeconds();
  {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = role_cache_.find(company_id);
    if (it != role_cache_.end() && it->second.role_arn == role_arn && it->second.expires_epoch - 300 > now) {
      out.credentials = it->second.credentials;
      return out;
    }
  }
  auto external_id = ctx_->secrets->Open(item->value("external_id_enc", ""), company_id);
  if (!external_id.ok())
    return Status::Unauthenticated("the stored external id cannot be opened with this master key");
  auto caller = clients::RequireCredentials(options_.caller);
  if (!caller.ok()) {
    return Status::Unauthenticated("assuming a role needs the server's own AWS credentials: " +
                                   caller.status().message());
  }
  clients::AwsTarget sts;
  sts.region = region;
  sts.service = "sts";
  sts.endpoint =
      options_.sts_endpoint.empty() ? clients::DefaultAwsEndpoint("sts", region) : options_.sts_endpoint;
  clients::StsClient client(http_, sts, ctx_->clock);
  clients::AssumeRoleInput in;
  in.role_arn = role_arn;
  in.session_name = "alertwhisperer-" + company_id.substr(0, 40);
  for (char& c : in.session_name) {
    if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_' || c == '.' || c == '@' ||
          c == '=' || c == ',' || c == '+')) {
      c = '-';
    }
  }
  in.external_id = *external_id;
  auto assumed = client.AssumeRole(in, *caller);
  if (!assumed.ok()) return assumed.status();
  out.credentials = assumed->credentials;
  std::lock_guard<std::mutex> lock(mu_);
  role_cache_[company_id] = {assumed->credentials, assumed->expiration_epoch, role_arn};
  return out;
}

}  // namespace aw::services
