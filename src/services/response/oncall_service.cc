#include "services/response/oncall_service.h"

#include <algorithm>
#include <set>

#include "base/errors.h"
#include "base/json_fields.h"
#include "base/ids.h"
#include "base/time_format.h"
#include "core/business_time.h"
#include "services/merged_query.h"
#include "services/paging.h"
#include "services/tz_database.h"
#include "store/tables.h"

namespace aw::services {

namespace t = store::tables;
using nlohmann::json;

namespace {

constexpr size_t kMaxOverrides = 100;
constexpr const char* kUsersDirectory = "users";

// "YYYY-MM-DD" -> days since the epoch.
std::optional<int64_t> ParseDate(const std::string& s) {
  if (s.size() != 10 || s[4] != '-' || s[7] != '-') return std::nullopt;
  auto us = ParseIso8601(s + "T00:00:00Z");
  if (!us) return std::nullopt;
  return *us / 86'400'000'000;
}

// The writable fields, and the read-only ones of the view (accepted and
// ignored, so a GET's answer can be sent back as it is).
void RejectUnknownScheduleFields(const json& body) {
  RejectUnknownFields(body, {"company_id", "name", "user_id", "type", "days_of_week", "date", "start_time", "end_time",
                             "timezone", "priority", "active", "overrides", "id", "created_at", "updated_at",
                             "created_by"});
}

const json& Field(const json& o, const char* f) {
  static const json null;
  auto it = o.find(f);
  return it == o.end() ? null : *it;
}

std::string StringField(const json& o, const char* f, bool required, size_t max_len) {
  const json& v = Field(o, f);
  if (v.is_null()) {
    if (required) ThrowInvalidField(f, "field required");
    return "";
  }
  if (!v.is_string()) ThrowInvalidField(f, "must be a string");
  std::string s = v.get<std::string>();
  if (required && s.empty()) ThrowInvalidField(f, "must not be empty");
  if (s.size() > max_len) ThrowInvalidField(f, "must be at most " + std::to_string(max_len) + " characters");
  return s;
}

}  // namespace

bool ToShift(const json& item, core::OnCallShift* out) {
  const core::TimeZone* tz = FindTimeZone(item.value("timezone", "UTC"));
  auto start = core::ParseHhMm(item.value("start_time", ""), false);
  auto end = core::ParseHhMm(item.value("end_time", ""), true);
  if (tz == nullptr || !start || !end) return false;
  core::OnCallShift s;
  s.id = item.value("id", "");
  s.user_id = item.value("user_id", "");
  s.tz = tz;
  s.start_minute = *start;
  s.end_minute = *end;
  s.priority = item.value("priority", 0);
  const std::string type = item.value("type", "weekly");
  if (type == "one_time") {
    auto d = ParseDate(item.value("date", ""));
    if (!d) return false;
    s.type = core::ShiftType::kOneTime;
    s.date_day = *d;
  } else if (type == "daily") {
    s.type = core::ShiftType::kDaily;
  } else {
    s.type = core::ShiftType::kWeekly;
    s.days.fill(false);
    for (const auto& d : item.value("days_of_week", json::array())) {
      if (d.is_number_integer() && d.get<int>() >= 0 && d.get<int>() <= 6) s.days[d.get<size_t>()] = true;
    }
  }
  for (const auto& o : item.value("overrides", json::array())) {
    auto os = ParseIso8601(o.value("start", ""));
    auto oe = ParseIso8601(o.value("end", ""));
    if (os && oe) s.overrides.push_back({o.value("user_id", ""), *os / 1'000'000, *oe / 1'000'000});
  }
  *out = std::move(s);
  return true;
}

void OnCallService::ValidateOnCallUser(const std::string& company_id, const std::string& user_id,
                                       const std::string& field) {
  auto u = users_->FindById(user_id);
  if (!u || !u->contains("email")) ThrowInvalidField(field, "no user with id " + user_id);
  Role role;
  if (!ParseRole(u->value("role", ""), &role) || role == Role::kClient) {
    ThrowInvalidField(field, "the user must be a technician or an admin, not a client");
  }
  if (role != Role::kMspAdmin) {
    bool member = false;
    for (const auto& c : u->value("company_ids", json::array())) member = member || c == company_id;
    if (!member) ThrowInvalidField(field, "the user is not a member of company " + company_id);
  }
}

json OnCallService::Validate(const std::string& company_id, const json& in) {
  json out = json::object();
  out["company_id"] = company_id;
  out["id"] = in.value("id", "");
  std::string name = StringField(in, "name", false, 200);
  out["name"] = name.empty() ? "On-call" : name;
  std::string user_id = StringField(in, "user_id", true, 64);
  ValidateOnCallUser(company_id, user_id, "user_id");
  out["user_id"] = user_id;

  std::string type = StringField(in, "type", false, 20);
  if (type.empty()) type = "weekly";
  if (type != "one_time" && type != "daily" && type != "weekly") {
    ThrowInvalidField("type", "must be one of: one_time, daily, weekly");
  }
  out["type"] = type;
  if (type == "weekly") {
    const json& d = Field(in, "days_of_week");
    if (!d.is_array() || d.empty()) ThrowInvalidField("days_of_week", "a weekly schedule needs a non-empty list of days (0 = Monday .. 6 = Sunday)");
    std::set<int> days;
    for (const auto& x : d) {
      if (!x.is_number_integer() || x.get<int64_t>() < 0 || x.get<int64_t>() > 6) {
        ThrowInvalidField("days_of_week", "each day must be an integer from 0 (Monday) to 6 (Sunday)");
      }
      days.insert(x.get<int>());
    }
    out["days_of_week"] = std::vector<int>(days.begin(), days.end());
  }
  if (type == "one_time") {
    std::string date = StringField(in, "date", true, 10);
    if (!ParseDate(date)) ThrowInvalidField("date", "must be a date YYYY-MM-DD");
    out["date"] = date;
  }
  std::string start = StringField(in, "start_time", true, 5);
  if (!core::ParseHhMm(start, false)) ThrowInvalidField("start_time", "must be HH:MM (00:00 to 23:59)");
  std::string end = StringField(in, "end_time", true, 5);
  if (!core::ParseHhMm(end, true)) ThrowInvalidField("end_time", "must be HH:MM (00:00 to 24:00)");
  out["start_time"] = start;
  out["end_time"] = end;
  std::string tz = StringField(in, "timezone", false, 64);
  if (tz.empty()) tz = "UTC";
  if (FindTimeZone(tz) == nullptr) ThrowInvalidField("timezone", "unknown time zone " + tz + " (use an IANA name such as Europe/Berlin)");
  out["timezone"] = tz;
  const json& pr = Field(in, "priority");
  if (pr.is_null()) {
    out["priority"] = 1;
  } else {
    if (!pr.is_number_integer() || pr.get<int64_t>() < 0 || pr.get<int64_t>() > 1000) {
      ThrowInvalidField("priority", "must be an integer from 0 to 1000");
    }
    out["priority"] = pr.get<int>();
  }
  const json& act = Field(in, "active");
  if (!act.is_null() && !act.is_boolean()) ThrowInvalidField("active", "must be true or false");
  out["active"] = act.is_boolean() ? act.get<bool>() : true;

  json overrides = json::array();
  const json& ov = Field(in, "overrides");
  if (!ov.is_null()) {
    if (!ov.is_array()) ThrowInvalidField("overrides", "must be a list");
    if (ov.size() > kMaxOverrides) ThrowInvalidField("overrides", "at most 100 overrides");
    for (size_t i = 0; i < ov.size(); ++i) {
      const std::string f = "overrides[" + std::to_string(i) + "]";
      if (!ov[i].is_object()) ThrowInvalidField(f, "must be an object {user_id, start, end}");
      const json& o = ov[i];
      RejectUnknownFields(o, {"user_id", "start", "end", "reason"}, f + ".");
      if (!o.contains("user_id") || !o["user_id"].is_string() || o["user_id"].get<std::string>().empty()) {
        ThrowInvalidField(f + ".user_id", "field required");
      }
      std::string uid = o["user_id"].get<std::string>();
      ValidateOnCallUser(company_id, uid, f + ".user_id");
      auto parse = [&](const char* k) {
        if (!o.contains(k) || !o[k].is_string()) ThrowInvalidField(f + "." + k, "field required (ISO-8601 time)");
        auto v = ParseIso8601(o[k].get<std::string>());
        if (!v) ThrowInvalidField(f + "." + k, "must be an ISO-8601 time, e.g. 2026-11-25T18:00:00Z");
        return *v;
      };
      int64_t s = parse("start"), e = parse("end");
      if (e <= s) ThrowInvalidField(f + ".end", "must be after start");
      json item = {{"user_id", uid}, {"start", FormatIso8601Seconds(s / 1'000'000)},
                   {"end", FormatIso8601Seconds(e / 1'000'000)}};
      if (o.contains("reason") && o["reason"].is_string()) item["reason"] = o["reason"].get<std::string>().substr(0, 500);
      overrides.push_back(std::move(item));
    }
  }
  out["overrides"] = overrides;
  return out;
}

json OnCallService::Create(const Principal& p, const json& body) {
  RejectUnknownScheduleFields(body);
  std::string cid = StringField(body, "company_id", false, 64);
  if (cid.empty()) {
    if (p.IsMspAdmin() || p.company_ids.size() != 1) ThrowInvalidField("company_id", "field required");
    cid = p.company_ids.front();
  }
  if (!p.CanSeeCompany(cid)) ThrowForbidden("you do not have access to company " + cid);
  auto company = ctx_->store->GetItem({t::kCompanies, {cid, std::nullopt}});
  if (!company.ok()) ThrowInvalidField("company_id", "no company with id " + cid);
  RequireCompanyAdmin(p, cid);
  json item = Validate(cid, body);
  const std::string now = ctx_->Now();
  item["id"] = NewId(ctx_->clock->NowMicros());
  item["created_at"] = now;
  item["updated_at"] = now;
  item["created_by"] = p.user_id;
  ThrowIfError(ctx_->store->PutItem({t::kOnCallSchedules, item, store::Condition::ItemNotExists("company_id")}),
               "on-call schedule");
  return item;
}

json OnCallService::Locate(const Principal& p, const std::string& id, const std::vector<std::string>& all_ids) {
  if (id.empty() || id.size() > 64 || id.find('#') != std::string::npos) ThrowNotFound("on-call schedule");
  const auto& companies = p.IsMspAdmin() ? all_ids : p.company_ids;
  std::vector<store::Key> keys;
  for (const auto& c : companies) keys.push_back({c, id});
  for (size_t i = 0; i < keys.size(); i += store::kMaxBatchGet) {
    std::vector<store::Key> chunk(keys.begin() + static_cast<std::ptrdiff_t>(i),
                                  keys.begin() + static_cast<std::ptrdiff_t>(std::min(keys.size(), i + store::kMaxBatchGet)));
    auto r = ctx_->store->BatchGetItem(t::kOnCallSchedules, chunk);
    ThrowIfError(r.status(), "on-call schedule");
    for (auto& it : *r) {
      if (p.CanSeeCompany(it.value("company_id", ""))) return std::move(it);
    }
  }
  ThrowNotFound("on-call schedule");
}

json OnCallService::LocateForChange(const Principal& p, const std::string& id, const std::vector<std::string>& all_ids) {
  json cur = Locate(p, id, all_ids);
  RequireCompanyAdmin(p, cur.value("company_id", ""));
  return cur;
}

json OnCallService::Update(const Principal& p, const json& cur, const json& body) {
  const std::string cid = cur.value("company_id", "");
  const std::string id = cur.value("id", "");
  RequireCompanyAdmin(p, cid);
  RejectUnknownScheduleFields(body);
  if (body.contains("company_id") && !body["company_id"].is_null() && body["company_id"] != cid) {
    ThrowInvalidField("company_id", "a schedule cannot move to another company");
  }
  json merged = cur;
  for (auto it = body.begin(); it != body.end(); ++it) {
    if (it.key() == "id" || it.key() == "created_at" || it.key() == "created_by") continue;
    merged[it.key()] = it.value();
  }
  json item = Validate(cid, merged);
  item["id"] = id;
  item["created_at"] = cur.value("created_at", ctx_->Now());
  item["created_by"] = cur.value("created_by", "");
  item["updated_at"] = ctx_->Now();
  Status s = ctx_->store->PutItem({t::kOnCallSchedules, item, store::Condition::ItemExists("company_id")});
  if (s.IsConditionFailed()) ThrowNotFound("on-call schedule");
  ThrowIfError(s, "on-call schedule");
  return item;
}

std::string OnCallService::Delete(const Principal& p, const std::string& id, const std::vector<std::string>& all_ids) {
  const std::string cid = LocateForChange(p, id, all_ids).value("company_id", "");
  ThrowIfError(ctx_->store->DeleteItem({t::kOnCallSchedules, {cid, id}, {}}), "on-call schedule");
  return cid;
}

Page OnCallService::List(const Principal& p, const std::string& company_id, int limit, const std::string& cursor,
                         const std::vector<std::string>& all_ids) {
  MergedQuery q;
  q.table = t::kOnCallSchedules;
  if (!company_id.empty()) {
    RequireSee(p, company_id);
    q.partitions = {company_id};
  } else {
    q.partitions = p.IsMspAdmin() ? all_ids : p.company_ids;
  }
  q.limit = limit;
  q.cursor = cursor;
  q.order = [](const json& it) { return it.value("id", ""); };
  return RunMergedQuery(ctx_->store, q);
}

std::vector<json> OnCallService::ActiveSchedules(const std::string& company_id) {
  std::vector<json> out;
  store::QueryRequest q;
  q.table = t::kOnCallSchedules;
  q.pk = company_id;
  ThrowIfError(ForEachPage(ctx_->store, q,
                           [&](std::vector<store::Item>& items) {
                             for (auto& it : items) {
                               if (it.value("active", true)) out.push_back(std::move(it));
                             }
                             return out.size() < 1000;
                           }),
               "on-call schedule");
  return out;
}

OnCallNow OnCallService::Current(const std::string& company_id, int64_t now_s) {
  std::vector<json> items = ActiveSchedules(company_id);
  std::vector<core::OnCallShift> shifts;
  std::vector<const json*> sources;
  for (const auto& it : items) {
    core::OnCallShift s;
    if (ToShift(it, &s)) {
      shifts.push_back(std::move(s));
      sources.push_back(&it);
    }
  }
  core::OnCallAnswer a = core::WhoIsOnCall(shifts, now_s);
  OnCallNow out;
  if (!a.found) return out;
  out.found = true;
  out.user_id = a.user_id;
  out.schedule_id = sources[a.schedule]->value("id", "");
  out.schedule_name = sources[a.schedule]->value("name", "");
  out.is_override = a.is_override;
  out.since_s = a.since_s;
  out.until_s = a.until_s;
  return out;
}

json OnCallService::CurrentView(const Principal& p, const std::string& company_id) {
  RequireSee(p, company_id);
  OnCallNow now = Current(company_id, ctx_->clock->NowSeconds());
  json out = {{"company_id", company_id}, {"on_call", now.found}, {"checked_at", ctx_->Now()}};
  if (!now.found) {
    out["user_id"] = nullptr;
    out["until"] = nullptr;
    return out;
  }
  out["user_id"] = now.user_id;
  if (auto u = users_->FindById(now.user_id)) {
    out["user_name"] = u->value("name", "");
    out["user_email"] = u->value("email", "");
  }
  out["schedule_id"] = now.schedule_id;
  out["schedule_name"] = now.schedule_name;
  out["override"] = now.is_override;
  out["since"] = FormatIso8601Seconds(now.since_s);
  out["until"] = FormatIso8601Seconds(now.until_s);
  return out;
}

std::vector<std::string> OnCallService::UserIdsWithRole(const std::string& company_id, const std::string& role) {
  std::vector<std::string> out;
  store::QueryRequest q;
  q.table = t::kUsers;
  q.index = t::kDirectoryIndex;
  q.pk = kUsersDirectory;
  auto add = [&](store::Item& it) {
    Role rr;
    if (!ParseRole(it.value("role", ""), &rr) || RoleName(rr) != role) return true;
    bool member = rr == Role::kMspAdmin;
    for (const auto& c : it.value("company_ids", json::array())) member = member || c == company_id;
    if (member && it.contains("id")) out.push_back(it.value("id", ""));
    return true;
  };
  ThrowIfError(ForEachItem(ctx_->store, q, add), "user");
  return out;
}

}  // namespace aw::services
