#pragma once

// Tenant scope: which companies a caller may see, decided here and nowhere
// else. Every company-scoped route and the WebSocket's live-update audience
// ask these functions instead of deciding for themselves.
//
// A company the caller may not see answers 404 "company not found", never
// 403, so a caller cannot tell a foreign company from a missing one.
// Thread-safe as far as CompanyService is.

#include <string>
#include <vector>

#include "services/event_hub.h"
#include "services/identity/company_service.h"
#include "services/identity/principal.h"

namespace aw::services {

// Every company id `p` may see: its own list, or every company (read from
// the directory, page by page) for an MSP admin.
std::vector<std::string> VisibleCompanyIds(CompanyService* companies, const Principal& p);

// 404 company unless `p` may see `company_id` (its existence not checked:
// for routes whose next read answers 404 itself).
void RequireVisible(const Principal& p, const std::string& company_id);
// 404 `what` (e.g. "incident") unless `owner` - the company a located item
// belongs to, empty when there is no such item - is one `p` may see: a
// foreign item looks missing.
void RequireVisibleOwner(const Principal& p, const std::string& owner, const char* what);
// 404 company unless `p` may see `company_id` and the company exists.
void RequireVisibleCompany(CompanyService* companies, const Principal& p, const std::string& company_id);

// The live-update audience of `p`: every company for an MSP admin, else the
// companies in its token.
Audience AudienceOf(const Principal& p);

}  // namespace aw::services
