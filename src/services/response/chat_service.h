#pragma once

// Chat per company: messages in ChatMessages (partition company_id, sort key
// "<ISO-8601 µs>#<id>", so two messages of one instant never collide and
// string order is time order), and each user's read marker in the same
// partition under the sort key "read#<user id>" (letters sort after every
// timestamp, and listings read only the timestamp range).
//
// Anyone who may see the company may read and post (clients too); a caller
// who may not see it, or a company that does not exist, gets 404. The sender
// is always the caller. Each message is published as a "chat_message" event.
//
// Thread-safe; methods may throw ApiError.

#include <string>

#include <nlohmann/json.hpp>

#include "services/identity/company_service.h"
#include "services/context.h"
#include "services/page.h"
#include "services/identity/principal.h"

namespace aw::services {

inline constexpr size_t kMaxChatMessageChars = 4000;

class ChatService {
 public:
  ChatService(Context* ctx, CompanyService* companies) : ctx_(ctx), companies_(companies) {}

  // Newest first; each message carries "read" for the caller.
  Page List(const Principal& p, const std::string& company_id, int limit, const std::string& cursor);
  // `text`: 1..4000 characters (UTF-8 code points), not only whitespace; 422 otherwise.
  nlohmann::json Post(const Principal& p, const std::string& company_id, const std::string& text);
  // Marks every message up to now as read for the caller.
  nlohmann::json MarkRead(const Principal& p, const std::string& company_id);

 private:
  void RequireCompany(const Principal& p, const std::string& company_id);
  std::string LastRead(const std::string& company_id, const std::string& user_id);

  Context* ctx_;
  CompanyService* companies_;
};

}  // namespace aw::services
