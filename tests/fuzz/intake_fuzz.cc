// Every intake payload format: the native webhook body and the monitoring
// tools' payloads (core/intake/*.h), read as the routes read them: the body
// through ParseJsonObject / ParseJsonValue (http/json_body.h), then the
// format's parser.
//
// Input: byte 0 chooses the format (below); the rest is the request body.
// Invariants: bad input is an ApiError answered 4xx (never 5xx) or an
// AdapterError; an accepted alert has a non-empty asset and signature, a
// known severity, fields within intake's limits and only valid UTF-8 (the
// store writes it with dump()).

#include <cstddef>
#include <cstdint>
#include <set>
#include <string>

#include "base/errors.h"
#include "core/intake/alertmanager.h"
#include "core/intake/cloudwatch.h"
#include "core/intake/common.h"
#include "core/intake/datadog.h"
#include "core/intake/grafana.h"
#include "core/intake/pagerduty.h"
#include "core/intake/sns_message.h"
#include "core/intake/zabbix.h"
#include "fuzz_util.h"
#include "http/error_mapping.h"
#include "http/json_body.h"
#include "http/native_alert.h"

namespace {

namespace ci = aw::core::intake;
using aw::fuzz::Dumps;
using aw::fuzz::IsUtf8;
using nlohmann::json;

enum Format : uint8_t {
  kNative,
  kAlertmanager,
  kPrometheusApiV2,
  kGrafana,
  kPagerDuty,
  kDatadog,
  kZabbix,
  kSnsCloudWatch,
  kFormats
};

const std::set<std::string> kSeverities = {"critical", "high", "medium", "low"};

void CheckToolAlert(const ci::ToolAlert& a) {
  FUZZ_CHECK(!a.asset_name.empty() && a.asset_name.size() <= ci::kMaxAssetBytes, a.asset_name);
  FUZZ_CHECK(!a.signature.empty() && a.signature.size() <= ci::kMaxSignatureBytes, a.signature);
  FUZZ_CHECK(kSeverities.count(a.severity) == 1, a.severity);
  FUZZ_CHECK(a.message.size() <= ci::kMaxMessageBytes, "message of " + std::to_string(a.message.size()));
  FUZZ_CHECK(a.repeat_key.size() <= ci::kMaxRepeatKeyBytes, a.repeat_key);
  FUZZ_CHECK(a.tool_source.size() <= ci::kMaxToolBytes, a.tool_source);
  FUZZ_CHECK(a.labels.size() <= ci::kMaxLabels, "labels");
  for (const std::string* s : {&a.asset_name, &a.signature, &a.message, &a.repeat_key, &a.tool_source}) {
    FUZZ_CHECK(IsUtf8(*s), "invalid UTF-8 in a string field: " + *s);
  }
  FUZZ_CHECK(Dumps(json(a.labels)), "invalid UTF-8 in labels");
  FUZZ_CHECK(a.metadata.is_object() && Dumps(a.metadata), "metadata");
}

void CheckResult(const ci::AdapterResult& r) {
  if (r.error) {
    FUZZ_CHECK(r.error->message.size() > 0, "an error without a sentence");
    FUZZ_CHECK(IsUtf8(r.error->message), "invalid UTF-8 in the error");
    return;
  }
  FUZZ_CHECK(r.alerts.size() <= ci::kMaxAlertsPerPayload, "too many alerts");
  for (const auto& a : r.alerts) CheckToolAlert(a);
}

void CheckNative(const aw::http::Request& req) {
  json body = aw::http::ParseJsonObject(req);
  aw::services::AlertInput in = aw::http::ParseNativeAlert(body);
  FUZZ_CHECK(!in.asset_name.empty() && in.asset_name.size() <= 256, "asset_name");
  FUZZ_CHECK(!in.signature.empty() && in.signature.size() <= 256, "signature");
  FUZZ_CHECK(!in.message.empty() && in.message.size() <= 16 * 1024, "message");
  FUZZ_CHECK(kSeverities.count(in.severity) == 1, in.severity);
  FUZZ_CHECK(in.status == "active" || in.status == "resolved", in.status);
  FUZZ_CHECK(in.metadata.is_object() && Dumps(in.metadata), "metadata");
  FUZZ_CHECK(IsUtf8(in.asset_name) && IsUtf8(in.signature) && IsUtf8(in.message), "invalid UTF-8");
}

void CheckSns(const json& body) {
  ci::SnsMessage m;
  if (auto err = ci::ParseSnsMessage(body, &m)) {
    FUZZ_CHECK(!err->message.empty(), "an error without a sentence");
    return;
  }
  (void)ci::SnsStringToSign(m);
  (void)ci::IsAllowedSnsUrl(m.signing_cert_url, "", true);
  (void)ci::IsAllowedSnsUrl(m.subscribe_url, "http://127.0.0.1:9", false);
  if (m.type == ci::SnsType::kNotification) CheckResult(ci::AdaptCloudWatchMessage(m.message, ci::IntakeMapping{}));
}

void Adapt(Format f, const json& body, const ci::IntakeMapping& m) {
  constexpr int64_t kNow = 1'780'000'000'000'000;  // 2026-05-28
  switch (f) {
    case kAlertmanager:
      return CheckResult(ci::AdaptAlertmanagerWebhook(body, m));
    case kPrometheusApiV2:
      return CheckResult(ci::AdaptAlertmanagerApiV2(body, m, kNow));
    case kGrafana:
      return CheckResult(ci::AdaptGrafana(body, m));
    case kPagerDuty: {
      (void)ci::PagerDutyRoutingKey(body);
      ci::PagerDutyResult r = ci::AdaptPagerDuty(body, m);
      FUZZ_CHECK(r.event.has_value() != r.error.has_value(), "PagerDuty: an event xor an error");
      if (r.event && r.event->alert) CheckToolAlert(*r.event->alert);
      return;
    }
    case kDatadog:
      return CheckResult(ci::AdaptDatadog(body, m));
    case kZabbix:
      return CheckResult(ci::AdaptZabbix(body, m));
    case kSnsCloudWatch:
      CheckResult(ci::AdaptCloudWatchAlarm(body, m));  // the Message itself, parsed
      return CheckSns(body);
    default:
      return;
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 1) return 0;
  const auto format = static_cast<Format>(data[0] % kFormats);
  aw::http::Request req;
  req.body.assign(aw::fuzz::AsText(data + 1, size - 1));
  // A company's mapping that names another asset label and maps a word.
  ci::IntakeMapping custom;
  custom.asset_labels = {"service", "host"};
  custom.severity_map = {{"p1", "critical"}, {"sev2", "high"}};
  custom.default_severity = "low";
  // Only the parse may throw, and only an ApiError answered 4xx; an
  // adapter answers with its AdapterResult (anything it throws escapes here
  // and libFuzzer reports it).
  json body;
  try {
    if (format == kNative) return CheckNative(req), 0;
    body = aw::http::ParseJsonValue(req);
  } catch (const aw::ApiError&) {
    aw::http::Response r = aw::http::ResponseForException(std::current_exception(), "fuzz");
    FUZZ_CHECK(r.status >= 400 && r.status < 500, "answered " + std::to_string(r.status) + ": " + r.body);
    return 0;
  }
  Adapt(format, body, ci::IntakeMapping{});
  Adapt(format, body, custom);
  return 0;
}
