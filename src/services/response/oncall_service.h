#pragma once

// On-call schedules (OnCallSchedules: company_id, id) and "who is on call
// now" (the maths is core/oncall.h). Also resolves the people of a company
// by role, for escalation and SLA notices: always real, active user ids.
//
// Schedule item: name, user_id, type (one_time | daily | weekly),
// days_of_week (weekly; Monday = 0), date (one_time, YYYY-MM-DD local),
// start_time / end_time ("HH:MM" local; end <= start crosses midnight),
// timezone (IANA), priority (higher wins), overrides [{user_id, start, end,
// reason}] (ISO-8601 instants), active, created_at, updated_at, created_by.
//
// Thread-safe; methods may throw ApiError (422 naming the field, 403, 404).

#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/oncall.h"
#include "services/context.h"
#include "services/page.h"
#include "services/identity/principal.h"
#include "services/identity/user_service.h"

namespace aw::services {

struct OnCallNow {
  bool found = false;
  std::string user_id;
  std::string schedule_id;
  std::string schedule_name;
  bool is_override = false;
  int64_t since_s = 0;
  int64_t until_s = 0;
};

class OnCallService {
 public:
  OnCallService(Context* ctx, UserService* users) : ctx_(ctx), users_(users) {}

  // Newest first. `company_id` empty: every company the caller sees
  // (`all_company_ids` for MSP admins).
  Page List(const Principal& p, const std::string& company_id, int limit, const std::string& cursor,
            const std::vector<std::string>& all_company_ids);
  // Company admins of the schedule's company (MSP admins: any company).
  nlohmann::json Create(const Principal& p, const nlohmann::json& body);
  // The schedule a change addresses, checked before its body is read: 404
  // unless `p` sees it, 403 unless `p` administers its company.
  nlohmann::json LocateForChange(const Principal& p, const std::string& id,
                                 const std::vector<std::string>& all_company_ids);
  // `cur` (from LocateForChange) with the fields present in `body` replacing
  // the stored ones; the result is validated whole.
  nlohmann::json Update(const Principal& p, const nlohmann::json& cur, const nlohmann::json& body);
  // Returns the company the schedule belonged to.
  std::string Delete(const Principal& p, const std::string& id, const std::vector<std::string>& all_company_ids);

  // Who is on call in the company at the clock's now (API view).
  nlohmann::json CurrentView(const Principal& p, const std::string& company_id);
  OnCallNow Current(const std::string& company_id, int64_t now_s);

  // Ids of users of `role` ("technician", "company_admin", "msp_admin") who
  // may see the company (MSP admins see all). Reads the Users directory index.
  std::vector<std::string> UserIdsWithRole(const std::string& company_id, const std::string& role);

  // The schedule as stored, validated: throws 422 naming the field.
  nlohmann::json Validate(const std::string& company_id, const nlohmann::json& merged);

 private:
  nlohmann::json Locate(const Principal& p, const std::string& id, const std::vector<std::string>& all_company_ids);
  void ValidateOnCallUser(const std::string& company_id, const std::string& user_id, const std::string& field);
  std::vector<nlohmann::json> ActiveSchedules(const std::string& company_id);

  Context* ctx_;
  UserService* users_;
};

// The schedule item -> the pure shift; false when it cannot be used (bad
// zone or times in an old item).
bool ToShift(const nlohmann::json& item, core::OnCallShift* out);

}  // namespace aw::services
