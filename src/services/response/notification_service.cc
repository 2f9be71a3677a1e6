#include "services/response/notification_service.h"

#include <algorithm>
#include <set>

#include <spdlog/spdlog.h>

#include "base/errors.h"
#include "base/ids.h"
#include "services/paging.h"
#include "store/tables.h"

namespace aw::services {

namespace t = store::tables;
using nlohmann::json;

namespace {

// Assignment markers live in their own partition of Notifications, never a
// user's: "asg#<incident id>" / "assignee" holds the assignee last notified.
std::string MarkerPartition(const std::string& incident_id) { return "asg#" + incident_id; }
constexpr size_t kMaxCachedAssignees = 20000;

bool MaySee(const json& user, const std::string& company_id) {
  Role r;
  if (!ParseRole(user.value("role", ""), &r)) return false;
  if (r == Role::kMspAdmin || company_id.empty()) return true;
  for (const auto& c : user.value("company_ids", json::array())) {
    if (c.is_string() && c.get<std::string>() == company_id) return true;
  }
  return false;
}

std::string Describe(const json& inc) {
  std::string s = inc.value("signature", "incident");
  std::string asset = inc.value("asset_name", "");
  if (!asset.empty()) s += " on " + asset;
  return s;
}

// Notification priority (low | normal | high | critical) for a severity.
std::string PriorityFor(const std::string& severity) {
  if (severity == "critical" || severity == "high" || severity == "low") return severity;
  return "normal";
}

void RequireValidCursorResult(const Status& s) {
  if (s.code() == Code::kInvalidArgument) ThrowInvalidField("cursor", "invalid");
  ThrowIfError(s, "notification");
}

}  // namespace

json NotificationService::View(const json& item) {
  json out = item;
  out.erase("ttl");
  return out;
}

std::vector<NotificationService::Recipient> NotificationService::Resolve(const NotificationRequest& req) {
  std::vector<Recipient> out;
  std::set<std::string> seen;
  for (const auto& id : req.user_ids) {
    if (seen.count(id)) continue;
    auto u = users_->FindById(id);
    if (!u || !MaySee(*u, req.company_id)) {
      spdlog::warn("notification {}: skipping user {}: no such user, or not entitled to company {}", req.type, id,
                   req.company_id);
      continue;
    }
    seen.insert(id);
    out.push_back({id, u->value("email", "")});
  }
  if (req.roles.empty()) return out;
  std::set<Role> roles;
  for (const auto& name : req.roles) {
    Role r;
    if (ParseRole(name, &r)) roles.insert(r);
  }
  auto directory = Directory();
  for (const auto& u : *directory) {
    Role r;
    const std::string id = u.value("id", "");
    if (id.empty() || seen.count(id) || !ParseRole(u.value("role", ""), &r) || !roles.count(r)) continue;
    if (!MaySee(u, req.company_id)) continue;
    seen.insert(id);
    out.push_back({id, u.value("email", "")});
  }
  return out;
}

std::shared_ptr<const std::vector<json>> NotificationService::Directory() {
  const int64_t now_us = ctx_->clock->NowMicros();
  // Read before the directory: a change that lands during the read moves it
  // past what is stored with the copy, so the copy is not reused.
  const uint64_t changes = users_->changes();
  if (directory_ttl_us_ > 0) {
    std::lock_guard<std::mutex> lock(directory_mu_);
    if (directory_ && directory_changes_ == changes && now_us - directory_read_us_ < directory_ttl_us_) {
      return directory_;
    }
  }
  auto fresh = std::make_shared<std::vector<json>>();
  Principal directory_reader;
  directory_reader.role = Role::kMspAdmin;
  std::string cursor;
  do {
    Page page = users_->List(directory_reader, kMaxPageSize, cursor);
    for (auto& u : page.items) fresh->push_back(std::move(u));
    cursor = page.next_cursor;
  } while (!cursor.empty());
  if (directory_ttl_us_ > 0) {
    std::lock_guard<std::mutex> lock(directory_mu_);
    directory_ = fresh;
    directory_read_us_ = now_us;
    directory_changes_ = changes;
  }
  return fresh;
}

int NotificationService::Notify(const NotificationRequest& req) {
  try {
    std::vector<Recipient> to = Resolve(req);
    if (to.empty()) return 0;
    const int64_t now_us = ctx_->clock->NowMicros();
    const std::string now = ctx_->Now();
    const int64_t ttl = now_us / 1'000'000 + int64_t{kNotificationTtlDays} * 86400;
    store::WriteBatch batch;
    batch.table = t::kNotifications;
    batch.defer_sync = true;
    for (const auto& r : to) {
      json item = {{"user_id", r.id},       {"id", NewId(now_us)},       {"company_id", req.company_id},
                   {"type", req.type},      {"title", req.title},        {"message", req.message},
                   {"priority", req.priority}, {"data", req.data},       {"read", false},
                   {"read_at", nullptr},    {"created_at", now},         {"ttl", ttl}};
      if (!req.incident_id.empty()) item["incident_id"] = req.incident_id;
      batch.puts.push_back(std::move(item));
    }
    Status s = ctx_->store->BatchWriteItem(batch);
    if (s.ok()) s = ctx_->store->Sync();
    if (!s.ok()) {
      spdlog::error("notification {} for company {} not stored: {}", req.type, req.company_id, s.message());
      return 0;
    }
    for (const auto& item : batch.puts) {
      ctx_->events->Publish({"notification", req.company_id, View(item), item["user_id"].get<std::string>()});
    }
    if (req.email && mailer_ != nullptr) {
      for (const auto& r : to) {
        if (r.email.empty()) continue;
        std::string text = req.message + "\n";
        if (!req.incident_id.empty()) text += "\nIncident: " + req.incident_id;
        if (!req.company_id.empty()) text += "\nCompany: " + req.company_id;
        text += "\nPriority: " + req.priority + "\n\n-- Alert Whisperer\n";
        mailer_->Enqueue({r.email, "[Alert Whisperer] " + req.title, std::move(text)});
      }
    }
    return static_cast<int>(to.size());
  } catch (const std::exception& e) {
    spdlog::error("notification {} for company {} failed: {}", req.type, req.company_id, e.what());
    return 0;
  }
}

Page NotificationService::List(const Principal& p, int limit, bool unread_only, const std::string& cursor) {
  Page page;
  std::string token = cursor;
  do {
    store::QueryRequest q;
    q.table = t::kNotifications;
    q.pk = p.user_id;
    q.forward = false;  // ids are time-ordered: newest first
    q.limit = limit - static_cast<int>(page.items.size());
    q.page_token = token;
    if (unread_only) q.filter.Equals("read", false);
    auto r = ctx_->store->Query(q);
    RequireValidCursorResult(r.status());
    for (const auto& it : r->items) page.items.push_back(View(it));
    token = r->next_page_token;
  } while (!token.empty() && static_cast<int>(page.items.size()) < limit);
  page.next_cursor = token;
  return page;
}

json NotificationService::MarkRead(const Principal& p, const std::string& id) {
  if (!IsValidId(id)) ThrowNotFound("notification");
  const store::Key key{p.user_id, id};
  auto cur = ctx_->store->GetItem({t::kNotifications, key});
  if (cur.status().IsNotFound()) ThrowNotFound("notification");
  ThrowIfError(cur.status(), "notification");
  if (cur->value("read", false)) return View(*cur);
  store::UpdateRequest u;
  u.table = t::kNotifications;
  u.key = key;
  u.condition = store::Condition::ItemExists("user_id");
  u.Set("read", true).Set("read_at", ctx_->Now());
  auto r = ctx_->store->UpdateItem(u);
  if (r.status().IsConditionFailed()) ThrowNotFound("notification");
  ThrowIfError(r.status(), "notification");
  return View(*r);
}

int NotificationService::MarkAllRead(const Principal& p) {
  int n = 0;
  const std::string now = ctx_->Now();
  store::QueryRequest q;
  q.table = t::kNotifications;
  q.pk = p.user_id;
  q.filter.Equals("read", false);
  auto mark = [&](store::Item& it) {
    store::UpdateRequest u;
    u.table = t::kNotifications;
    u.key = {p.user_id, it.value("id", "")};
    u.condition = store::Condition::ItemExists("user_id");
    u.defer_sync = true;
    u.Set("read", true).Set("read_at", now);
    auto w = ctx_->store->UpdateItem(u);
    if (w.status().IsConditionFailed()) return true;  // expired meanwhile
    ThrowIfError(w.status(), "notification");
    ++n;
    return true;
  };
  ThrowIfError(ForEachItem(ctx_->store, q, mark), "notification");
  if (n > 0) ThrowIfError(ctx_->store->Sync(), "notification");
  return n;
}

int NotificationService::UnreadCount(const Principal& p) {
  int n = 0;
  store::QueryRequest q;
  q.table = t::kNotifications;
  q.pk = p.user_id;
  q.filter.Equals("read", false);
  ThrowIfError(ForEachPage(ctx_->store, q,
                           [&](std::vector<store::Item>& items) {
                             n += static_cast<int>(items.size());
                             return true;
                           }),
               "notification");
  return n;
}

void NotificationService::OnIncident(const std::string& type, const json& incident) {
  const std::string company_id = incident.value("company_id", "");
  ctx_->events->Publish({type, company_id, incident, ""});
  if (type == "incident_created") {
    const std::string sev = incident.value("severity", "");
    if (sev == "critical" || sev == "high") {
      NotificationRequest req;
      req.company_id = company_id;
      req.roles = {"technician", "company_admin", "msp_admin"};
      req.type = "incident_created";
      req.title = std::string(sev == "critical" ? "Critical" : "High") + " incident: " + Describe(incident);
      req.message = "A " + sev + " incident was opened for " + company_id + ": " + Describe(incident) + ". " +
                    incident.value("message", incident.value("description", ""));
      req.priority = PriorityFor(sev);
      req.incident_id = incident.value("id", "");
      req.data = {{"incident_id", req.incident_id}, {"severity", sev}, {"status", incident.value("status", "")}};
      req.email = true;
      Notify(req);
    }
  }
  if (type == "incident_created" || type == "incident_updated") NotifyAssignee(incident);
}

void NotificationService::NotifyAssignee(const json& incident) {
  const std::string id = incident.value("id", "");
  const json& a = incident.contains("assigned_to") ? incident["assigned_to"] : json();
  const std::string assignee = a.is_string() ? a.get<std::string>() : "";
  {
    std::lock_guard lock(assign_mu_);
    auto it = assignees_.find(id);
    if (it == assignees_.end() && assignee.empty()) return;  // unassigned, as far as we know
    if (it != assignees_.end() && it->second == assignee) return;
    if (assignees_.size() >= kMaxCachedAssignees) assignees_.clear();
    assignees_[id] = assignee;
  }
  // The marker makes the notification once per change, across restarts and replicas.
  json marker = {{"user_id", MarkerPartition(id)}, {"id", "assignee"}, {"assignee", assignee},
                 {"ttl", ctx_->clock->NowSeconds() + int64_t{kNotificationTtlDays} * 86400}};
  Status s = ctx_->store->PutItem({t::kNotifications, marker, store::Condition::ItemNotExists("user_id"), true});
  if (s.IsConditionFailed()) {
    store::Condition changed;
    changed.NotEquals("assignee", assignee);
    s = ctx_->store->PutItem({t::kNotifications, marker, changed, true});
    if (s.IsConditionFailed()) return;  // this assignment was notified already
  }
  if (!s.ok()) {
    spdlog::error("incident {}: assignment marker not written: {}", id, s.message());
    return;
  }
  if (assignee.empty()) return;
  NotificationRequest req;
  req.company_id = incident.value("company_id", "");
  req.user_ids = {assignee};
  req.type = "incident_assigned";
  req.title = "Incident assigned to you: " + Describe(incident);
  req.message = "You were assigned the " + incident.value("severity", "") + " incident " + Describe(incident) + ".";
  req.priority = PriorityFor(incident.value("severity", ""));
  req.incident_id = id;
  req.data = {{"incident_id", id}, {"severity", incident.value("severity", "")}};
  req.email = true;
  Notify(req);
}

}  // namespace aw::services
