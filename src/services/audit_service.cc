#include "services/audit_service.h"

#include <map>

#include <spdlog/spdlog.h>

#include "base/errors.h"
#include "base/ids.h"
#include "base/time_format.h"
#include "services/merged_query.h"
#include "services/paging.h"
#include "store/tables.h"

namespace aw::services {

namespace t = store::tables;
using nlohmann::json;

void AuditService::Record(const AuditEntry& e) {
  const int64_t now_us = ctx_->clock->NowMicros();
  const std::string id = NewId(now_us);
  json item = {
      {"company_id", e.company_id.empty() ? kMspAuditPartition : e.company_id},
      {"timestamp", FormatIso8601Micros(now_us) + "#" + id},
      {"id", id},
      {"at", FormatIso8601Micros(now_us)},
      {"user_id", e.user_id},
      {"user_email", e.user_email},
      {"user_role", e.user_role},
      {"action", e.action},
      {"resource_type", e.resource_type},
      {"resource_id", e.resource_id},
      {"details", e.details},
      {"ip", e.ip},
      {"user_agent", e.user_agent.substr(0, 256)},
      {"outcome", e.outcome},
      {"status", e.status},
      {"request_id", e.request_id},
      {"ttl", now_us / 1'000'000 + int64_t{ctx_->settings.audit_ttl_days} * 86400},
  };
  // Path ids and headers come from the caller: bytes that are not UTF-8
  // become U+FFFD, so the entry is always storable and the log line safe.
  item = json::parse(item.dump(-1, ' ', false, json::error_handler_t::replace));
  Status s = ctx_->store->PutItem({t::kAuditLogs, item, {}});
  if (!s.ok()) {
    spdlog::error("audit entry {} for {} was not written: {}", item["action"].dump(), item["resource_id"].dump(),
                  s.ToString());
  }
}

std::vector<std::string> AuditService::Partitions(const Principal& p, const std::string& company_id,
                                                  const std::vector<std::string>& all_ids) {
  if (p.role != Role::kMspAdmin && p.role != Role::kCompanyAdmin) {
    ThrowForbidden("the audit log is for company admins and MSP admins");
  }
  if (!company_id.empty()) {
    if (company_id == kMspAuditPartition) {
      RequireMspAdmin(p);
    } else {
      RequireCompanyAdmin(p, company_id);
    }
    return {company_id};
  }
  if (p.IsMspAdmin()) {
    std::vector<std::string> parts = all_ids;
    parts.push_back(kMspAuditPartition);
    return parts;
  }
  return p.company_ids;
}

Page AuditService::List(const Principal& p, const std::string& company_id, const std::string& action, int limit,
                        const std::string& cursor, const std::vector<std::string>& all_ids) {
  MergedQuery q;
  q.table = t::kAuditLogs;
  q.partitions = Partitions(p, company_id, all_ids);
  q.limit = limit;
  q.cursor = cursor;
  if (!action.empty()) q.keep = [action](const json& e) { return e.value("action", "") == action; };
  Page page = RunMergedQuery(ctx_->store, q);
  for (auto& e : page.items) e.erase("ttl");
  return page;
}

json AuditService::Summary(const Principal& p, const std::string& company_id, int days,
                           const std::vector<std::string>& all_ids) {
  const std::string since = FormatIso8601Micros(ctx_->clock->NowMicros() - int64_t{days} * 86400 * 1'000'000);
  std::map<std::string, int64_t> by_action, by_outcome, by_user;
  int64_t total = 0;
  bool capped = false;
  for (const auto& part : Partitions(p, company_id, all_ids)) {
    store::QueryRequest q;
    q.table = t::kAuditLogs;
    q.pk = part;
    q.sk = {store::SortCondition::Op::kGreaterEq, since, ""};
    q.forward = false;
    q.limit = 1000;
    ThrowIfError(ForEachPage(ctx_->store, q,
                             [&](std::vector<store::Item>& items) {
                               for (const auto& e : items) {
                                 ++by_action[e.value("action", "")];
                                 ++by_outcome[e.value("outcome", "")];
                                 std::string who = e.value("user_email", "");
                                 ++by_user[who.empty() ? "(anonymous)" : who];
                                 ++total;
                               }
                               if (total >= kSummaryCap) capped = true;
                               return !capped;
                             }),
                 "audit log");
  }
  return {{"days", days},      {"since", since},          {"total", total},  {"by_action", by_action},
          {"by_outcome", by_outcome}, {"by_user", by_user}, {"capped", capped}};
}

}  // namespace aw::services
