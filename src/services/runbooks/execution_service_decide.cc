// Decisions: which runbook fits an incident (and whether this caller needs
// approval to run it), or which kind of technician to escalate to; and the
// automatic run of low-risk auto_approve runbooks for new incidents.

#include <spdlog/spdlog.h>

#include <algorithm>

#include "base/errors.h"
#include "core/category.h"
#include "core/runbook_fields.h"
#include "core/runbook_policy.h"
#include "services/runbooks/execution_service.h"

namespace aw::services {

using nlohmann::json;

namespace {

// Below this score a runbook is not recommended.
constexpr int kMinRecommendScore = 60;
// An AI suggestion (incident.metadata.analysis.suggested_runbook, set by
// POST /api/incidents/{id}/analyze) adds this much to that runbook's score.
constexpr int kAiSuggestionBonus = 40;

std::string AiSuggestedRunbook(const json& incident) {
  const json* md =
      incident.contains("metadata") && incident["metadata"].is_object() ? &incident["metadata"] : nullptr;
  if (!md || !md->contains("analysis") || !(*md)["analysis"].is_object()) return "";
  const json& a = (*md)["analysis"];
  if (!a.contains("suggested_runbook") || !a["suggested_runbook"].is_object()) return "";
  return a["suggested_runbook"].value("id", "");
}

int RiskRank(const json& rb) {
  auto r = core::ParseRiskLevel(rb.value("risk_level", "high")).value_or(core::RiskLevel::kHigh);
  return static_cast<int>(r);
}

json Summary(const json& rb) {
  return {{"id", rb.value("id", "")},
          {"name", rb.value("name", "")},
          {"risk_level", rb.value("risk_level", "")},
          {"auto_approve", rb.value("auto_approve", false)},
          {"signature", rb.value("signature", "")}};
}

}  // namespace

std::vector<std::pair<int, json>> ExecutionService::Candidates(const json& incident) {
  const std::string signature = incident.value("signature", "");
  const std::string ai = AiSuggestedRunbook(incident);
  std::vector<std::pair<int, json>> out;
  for (auto& rb : runbooks_->AllOf(incident.value("company_id", ""))) {
    int score = core::SignatureMatchScore(rb.value("signature", ""), signature);
    if (!ai.empty() && rb.value("id", "") == ai) score += kAiSuggestionBonus;
    if (score > 0) out.emplace_back(score, std::move(rb));
  }
  // Best score first; among equals the lower risk, then auto_approve, then the newest.
  std::sort(out.begin(), out.end(), [](const auto& a, const auto& b) {
    if (a.first != b.first) return a.first > b.first;
    if (RiskRank(a.second) != RiskRank(b.second)) return RiskRank(a.second) < RiskRank(b.second);
    bool aa = a.second.value("auto_approve", false), ba = b.second.value("auto_approve", false);
    if (aa != ba) return aa;
    return a.second.value("id", "") > b.second.value("id", "");
  });
  return out;
}

json ExecutionService::Decide(const Principal& p, const std::string& incident_id) {
  json incident = incidents_->Get(p, incident_id);
  const std::string cid = incident.value("company_id", "");
  RequireRunbookReader(p, cid);
  const std::string signature = incident.value("signature", "");
  auto candidates = Candidates(incident);
  const std::string ai = AiSuggestedRunbook(incident);
  json reasons = json::array();
  json out = {{"incident_id", incident_id}, {"company_id", cid}, {"signature", signature}};
  if (!candidates.empty() && candidates.front().first >= kMinRecommendScore) {
    const auto& [score, rb] = candidates.front();
    auto risk = core::ParseRiskLevel(rb.value("risk_level", "high")).value_or(core::RiskLevel::kHigh);
    auto gate = core::GateExecution(ActorOf(p), risk, rb.value("auto_approve", false));
    int sig_score = core::SignatureMatchScore(rb.value("signature", ""), signature);
    if (sig_score == 100) {
      reasons.push_back("runbook \"" + rb.value("name", "") + "\" is written for signature " + signature);
    } else if (sig_score > 0) {
      reasons.push_back("runbook \"" + rb.value("name", "") + "\" (signature " + rb.value("signature", "") +
                        ") is close to the incident's signature " + signature);
    }
    if (!ai.empty() && rb.value("id", "") == ai)
      reasons.push_back("the AI assistant's analysis suggested it");
    reasons.push_back(gate.reason);
    RunbookTarget target = TargetOf(rb);
    if (target.empty()) {
      reasons.push_back("the runbook has no target: give instance_ids or a tag when executing it");
    }
    out["decision"] = "run_runbook";
    out["runbook"] = Summary(rb);
    out["match_score"] = std::min(score, 100);
    out["can_run_now"] = gate.gate == core::Gate::kRunNow;
    out["needs_approval"] = gate.gate == core::Gate::kNeedsApproval;
    out["approver_role"] =
        gate.gate == core::Gate::kNeedsApproval ? json(core::ApproverLevelName(gate.approver)) : json();
    out["has_target"] = !target.empty();
    json alternatives = json::array();
    for (size_t i = 1; i < candidates.size() && alternatives.size() < 3; ++i) {
      if (candidates[i].first < kMinRecommendScore) break;
      json alt = Summary(candidates[i].second);
      alt["match_score"] = std::min(candidates[i].first, 100);
      alternatives.push_back(alt);
    }
    out["alternatives"] = alternatives;
    out["escalate_to"] = nullptr;
  } else {
    std::string category = incident.value("category", "");
    if (category.empty()) category = core::Categorize(signature, incident.value("description", ""));
    reasons.push_back(candidates.empty()
                          ? "no runbook of the company fits signature " + signature
                          : "the closest runbook (\"" + candidates.front().second.value("name", "") +
                                "\") fits signature " + signature + " only loosely");
    reasons.push_back("the incident's category is " + category + ": escalate to a " + category +
                      " technician");
    if (incident.value("severity", "") == "critical")
      reasons.push_back("the incident is critical: escalate now");
    out["decision"] = "escalate";
    out["runbook"] = nullptr;
    out["escalate_to"] = {{"technician_category", category}, {"severity", incident.value("severity", "")}};
    out["can_run_now"] = false;
    out["needs_approval"] = false;
  }
  out["reasons"] = reasons;
  return out;
}

void ExecutionService::AutoExecute(const json& incident) {
  const std::string cid = incident.value("company_id", "");
  const std::string incident_id = incident.value("id", "");
  try {
    {
      std::lock_guard<std::mutex> lock(mu_);
      if (stopping_) return;
    }
    if (!Settings(cid).value("auto_execute_low_risk", false)) return;
    for (const auto& [score, rb] : Candidates(incident)) {
      // Automatic runs need the runbook's own signature, not a near match.
      if (core::SignatureMatchScore(rb.value("signature", ""), incident.value("signature", "")) < 100)
        continue;
      auto risk = core::ParseRiskLevel(rb.value("risk_level", "high")).value_or(core::RiskLevel::kHigh);
      auto gate = core::GateExecution(core::Actor::kSystem, risk, rb.value("auto_approve", false));
      RunbookTarget target = TargetOf(rb);
      if (gate.gate != core::Gate::kRunNow || target.empty()) continue;
      json exec = *StartExecution(SystemPrincipal(), incident, rb, target, nullptr);
      spdlog::info("incident {} of company {}: runbook {} started automatically (execution {})", incident_id,
                   cid, rb.value("id", ""), exec.value("id", ""));
      return;
    }
  } catch (const std::exception& e) {
    spdlog::warn("incident {} of company {}: automatic runbook check failed: {}", incident_id, cid, e.what());
  }
}

}  // namespace aw::services
