#include "services/response/chat_service.h"

#include "base/errors.h"
#include "base/ids.h"
#include "store/tables.h"

namespace aw::services {

namespace t = store::tables;
using nlohmann::json;

namespace {

std::string ReadMarkerKey(const std::string& user_id) { return "read#" + user_id; }

// Every message sort key starts with a digit (a year); markers start with a letter.
store::SortCondition MessagesOnly() {
  store::SortCondition c;
  c.op = store::SortCondition::Op::kLess;
  c.value = "A";
  return c;
}

size_t CodePoints(const std::string& s) {
  size_t n = 0;
  for (unsigned char c : s) {
    if ((c & 0xC0) != 0x80) ++n;
  }
  return n;
}

bool OnlyWhitespace(const std::string& s) {
  for (unsigned char c : s) {
    if (c != ' ' && c != '\t' && c != '\n' && c != '\r') return false;
  }
  return true;
}

}  // namespace

void ChatService::RequireCompany(const Principal& p, const std::string& company_id) {
  if (company_id.empty() || !p.CanSeeCompany(company_id) || !companies_->Find(company_id)) {
    ThrowNotFound("company");
  }
}

std::string ChatService::LastRead(const std::string& company_id, const std::string& user_id) {
  auto r = ctx_->store->GetItem({t::kChatMessages, {company_id, ReadMarkerKey(user_id)}});
  if (r.status().IsNotFound()) return "";
  ThrowIfError(r.status(), "chat");
  return r->value("last_read", "");
}

Page ChatService::List(const Principal& p, const std::string& company_id, int limit, const std::string& cursor) {
  RequireCompany(p, company_id);
  const std::string last_read = LastRead(company_id, p.user_id);
  store::QueryRequest q;
  q.table = t::kChatMessages;
  q.pk = company_id;
  q.sk = MessagesOnly();
  q.forward = false;
  q.limit = limit;
  q.page_token = cursor;
  auto r = ctx_->store->Query(q);
  if (r.status().code() == Code::kInvalidArgument) ThrowInvalidField("cursor", "invalid");
  ThrowIfError(r.status(), "chat");
  Page page;
  for (auto& it : r->items) {
    const std::string sk = it.value("timestamp", "");
    it["read"] = it.value("sender_id", "") == p.user_id || (!last_read.empty() && sk <= last_read);
    page.items.push_back(std::move(it));
  }
  page.next_cursor = r->next_page_token;
  return page;
}

json ChatService::Post(const Principal& p, const std::string& company_id, const std::string& text) {
  RequireCompany(p, company_id);
  if (text.empty() || OnlyWhitespace(text)) ThrowInvalidField("message", "must not be empty");
  if (CodePoints(text) > kMaxChatMessageChars) {
    ThrowInvalidField("message", "must be at most " + std::to_string(kMaxChatMessageChars) + " characters long");
  }
  const int64_t now_us = ctx_->clock->NowMicros();
  const std::string now = ctx_->Now();
  const std::string id = NewId(now_us);
  json item = {{"company_id", company_id},
               {"timestamp", now + "#" + id},
               {"id", id},
               {"sender_id", p.user_id},
               {"sender_name", p.name.empty() ? p.email : p.name},
               {"sender_email", p.email},
               {"sender_role", RoleName(p.role)},
               {"message", text},
               {"created_at", now}};
  ThrowIfError(ctx_->store->PutItem({t::kChatMessages, item, store::Condition::ItemNotExists("company_id")}), "chat");
  ctx_->events->Publish({"chat_message", company_id, item, ""});
  item["read"] = true;
  return item;
}

json ChatService::MarkRead(const Principal& p, const std::string& company_id) {
  RequireCompany(p, company_id);
  // Everything stored before this instant sorts below "<now>#~".
  const std::string now = ctx_->Now();
  json marker = {{"company_id", company_id}, {"timestamp", ReadMarkerKey(p.user_id)}, {"user_id", p.user_id},
                 {"last_read", now + "#~"}, {"updated_at", now}};
  ThrowIfError(ctx_->store->PutItem({t::kChatMessages, marker, {}}), "chat");
  return {{"company_id", company_id}, {"user_id", p.user_id}, {"read_at", now}};
}

}  // namespace aw::services
