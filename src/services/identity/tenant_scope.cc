#include "services/identity/tenant_scope.h"

#include "base/errors.h"
#include "services/page.h"

namespace aw::services {

std::vector<std::string> VisibleCompanyIds(CompanyService* companies, const Principal& p) {
  if (!p.IsMspAdmin()) return p.company_ids;
  std::vector<std::string> ids;
  std::string cursor;
  do {
    auto page = companies->List(p, kMaxPageSize, cursor);
    for (const auto& c : page.items) ids.push_back(c.value("id", ""));
    cursor = page.next_cursor;
  } while (!cursor.empty());
  return ids;
}

void RequireVisible(const Principal& p, const std::string& company_id) {
  if (!p.CanSeeCompany(company_id)) ThrowNotFound("company");
}

void RequireVisibleOwner(const Principal& p, const std::string& owner, const char* what) {
  if (owner.empty() || !p.CanSeeCompany(owner)) ThrowNotFound(what);
}

void RequireVisibleCompany(CompanyService* companies, const Principal& p, const std::string& company_id) {
  if (!p.CanSeeCompany(company_id) || !companies->Find(company_id)) ThrowNotFound("company");
}

Audience AudienceOf(const Principal& p) {
  Audience a;
  a.user_id = p.user_id;
  a.all_companies = p.IsMspAdmin();
  a.company_ids = p.company_ids;
  return a;
}

}  // namespace aw::services
