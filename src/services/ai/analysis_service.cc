#include "services/ai/analysis_service.h"

#include <chrono>

#include <spdlog/spdlog.h>

#include "base/errors.h"
#include "base/time_format.h"
#include "services/ai/builtin_analyser.h"
#include "services/ai/llm_providers.h"
#include "services/paging.h"
#include "store/tables.h"

namespace aw::services::ai {

namespace t = store::tables;
using nlohmann::json;

namespace {

constexpr int kAlertSample = 200;
constexpr size_t kMaxRunbooks = 500;

std::string Str(const json& j, const char* k) {
  auto it = j.find(k);
  return it != j.end() && it->is_string() ? it->get<std::string>() : std::string();
}

}  // namespace

AnalysisService::AnalysisService(Context* ctx, IncidentService* incidents, AiSettings settings,
                                 const clients::HttpClient* http, std::unique_ptr<AnalysisProvider> provider)
    : ctx_(ctx), incidents_(incidents), settings_(std::move(settings)), provider_(std::move(provider)) {
  if (!provider_) provider_ = MakeProvider(settings_, http, ctx_->clock);
  settings_.provider = provider_->name();
}

AnalysisService::~AnalysisService() = default;

std::vector<RunbookRef> AnalysisService::LoadRunbooks(const std::string& company_id) {
  std::vector<RunbookRef> out;
  store::QueryRequest q;
  q.table = t::kRunbooks;
  q.pk = company_id;
  auto add = [&](const store::Item& it) {
    std::string id = Str(it, "id");
    // Other item kinds in the partition carry a '#' prefix in their id.
    if (id.empty() || id.find('#') != std::string::npos || !it.contains("name")) return true;
    RunbookRef rb{id, Str(it, "name"), Str(it, "risk_level"), {}, Str(it, "description")};
    for (const char* k : {"signature", "incident_signature"}) {
      if (auto s = Str(it, k); !s.empty()) rb.signatures.push_back(s);
    }
    for (const char* k : {"signatures", "incident_signatures"}) {
      if (it.contains(k) && it[k].is_array()) {
        for (const auto& s : it[k]) {
          if (s.is_string()) rb.signatures.push_back(s.get<std::string>());
        }
      }
    }
    out.push_back(std::move(rb));
    return out.size() < kMaxRunbooks;
  };
  ThrowIfError(ForEachItem(ctx_->store, q, add), "runbooks");
  return out;
}

std::string AnalysisService::ProviderFailure(const std::string& provider, std::string message) const {
  // The reason is shown to every user of the company and kept in the
  // incident: a provider's refusal of the credentials can quote the key
  // (OpenAI-compatible servers echo it), so it is never passed on as is.
  for (const std::string code : {"401", "403"}) {
    if (message.find("answered HTTP " + code) != std::string::npos) {
      return provider + " refused the server's credentials (HTTP " + code + "); check its API key setting";
    }
  }
  for (const std::string* key : {&settings_.gemini_api_key, &settings_.openai_api_key}) {
    if (key->size() < 4) continue;
    for (size_t at = message.find(*key); at != std::string::npos; at = message.find(*key, at)) {
      message.replace(at, key->size(), "[redacted]");
    }
  }
  return message;
}

json AnalysisService::Analyze(const Principal& p, const std::string& incident_id) {
  json inc = incidents_->Get(p, incident_id);  // 404 unless visible
  const std::string company_id = Str(inc, "company_id");
  RequireWrite(p, company_id);                 // clients are read-only

  AnalysisInput in;
  in.incident_id = incident_id;
  in.title = Str(inc, "title");
  in.severity = Str(inc, "severity");
  in.status = Str(inc, "status");
  in.signature = Str(inc, "signature");
  in.asset_name = Str(inc, "asset_name");
  in.category = Str(inc, "category");
  in.alert_count = inc.value("alert_count", int64_t{0});
  Page alerts = incidents_->Alerts(p, incident_id, kAlertSample, "");
  for (const auto& a : alerts.items) {
    core::AlertFacts f{Str(a, "asset_name"), Str(a, "signature"), Str(a, "message"), Str(a, "tool_source"), 0};
    if (auto ts = ParseIso8601(Str(a, "timestamp"))) f.timestamp_us = *ts;
    in.alerts.push_back(std::move(f));
  }
  in.runbooks = LoadRunbooks(company_id);

  Analysis result;
  std::string answered_by = provider_->name();
  std::string model = provider_->model();
  std::string fallback_reason;
  const auto started = std::chrono::steady_clock::now();
  if (answered_by == "builtin") {
    result = BuiltinAnalyser::Run(in);
  } else {
    auto r = provider_->Analyze(in, settings_.timeout_ms);
    const auto elapsed_ms =
        std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - started).count();
    if (r.ok()) {
      result = std::move(r).value();
    } else {
      fallback_reason = elapsed_ms >= settings_.timeout_ms
                            ? answered_by + " did not answer within " + std::to_string(settings_.timeout_ms) + " ms"
                            : ProviderFailure(answered_by, r.status().message());
      spdlog::warn("AI provider {} failed for incident {} after {} ms ({}); the built-in analyser answered",
                   answered_by, incident_id, elapsed_ms, fallback_reason);
      result = BuiltinAnalyser::Run(in);
      answered_by = "builtin";
      model.clear();
    }
  }

  json runbook = nullptr;
  json dropped = nullptr;
  if (result.runbook_id) {
    const RunbookRef* found = nullptr;
    for (const auto& rb : in.runbooks) {
      if (rb.id == *result.runbook_id) found = &rb;
    }
    if (found) {
      runbook = {{"id", found->id}, {"name", found->name}, {"risk_level", found->risk_level}};
    } else {
      // Not a runbook of this company: never shown, never trusted.
      dropped = result.runbook_id->substr(0, 64);
      spdlog::warn("AI provider {} suggested runbook id not in company {}; dropped", answered_by, company_id);
    }
  }
  json out = {{"incident_id", incident_id},
              {"summary", result.summary},
              {"probable_cause", result.probable_cause},
              {"pattern", core::PatternName(result.pattern)},
              {"suggested_runbook", runbook},
              {"confidence", result.confidence},
              {"provider", answered_by},
              {"requested_provider", provider_->name()},
              {"fallback", !fallback_reason.empty()},
              {"analyzed_at", ctx_->Now()},
              {"analyzed_by", p.user_id}};
  if (!model.empty()) out["model"] = model;
  if (!fallback_reason.empty()) out["fallback_reason"] = fallback_reason;
  if (result.severity_hint) out["severity_hint"] = *result.severity_hint;
  if (!dropped.is_null()) out["dropped_runbook_id"] = dropped;
  out["elapsed_ms"] =
      std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - started).count();
  Save(company_id, incident_id, out);
  return out;
}

json AnalysisService::Save(const std::string& company_id, const std::string& incident_id, const json& analysis) {
  for (int attempt = 0; attempt < 3; ++attempt) {
    auto cur = ctx_->store->GetItem({t::kIncidents, {company_id, incident_id}});
    if (cur.status().IsNotFound()) ThrowNotFound("incident");
    ThrowIfError(cur.status(), "incident");
    const int64_t version = cur->value("version", int64_t{0});
    json metadata = cur->contains("metadata") && (*cur)["metadata"].is_object() ? (*cur)["metadata"] : json::object();
    metadata["analysis"] = analysis;
    store::UpdateRequest u;
    u.table = t::kIncidents;
    u.key = {company_id, incident_id};
    u.condition.Exists("company_id").Equals("version", version);
    u.Set("metadata", metadata).Set("updated_at", ctx_->Now()).Set("version", version + 1);
    auto r = ctx_->store->UpdateItem(u);
    if (r.status().IsConditionFailed()) continue;
    ThrowIfError(r.status(), "incident");
    ctx_->events->Publish({"incident_updated", company_id, incidents_->View(*r), ""});
    return *r;
  }
  Throw(ErrorKind::kConflict, "stale_version", "the incident kept changing while its analysis was saved; retry");
}

}  // namespace aw::services::ai
