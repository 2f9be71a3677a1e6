#include "services/identity/principal.h"

#include <algorithm>

#include "base/errors.h"

namespace aw::services {

bool ParseRole(const std::string& s, Role* out) {
  if (s == "msp_admin" || s == "admin") { *out = Role::kMspAdmin; return true; }
  if (s == "company_admin") { *out = Role::kCompanyAdmin; return true; }
  if (s == "technician") { *out = Role::kTechnician; return true; }
  if (s == "client") { *out = Role::kClient; return true; }
  return false;
}

const char* RoleName(Role r) {
  switch (r) {
    case Role::kMspAdmin: return "msp_admin";
    case Role::kCompanyAdmin: return "company_admin";
    case Role::kTechnician: return "technician";
    case Role::kClient: return "client";
  }
  return "client";
}

bool Principal::CanSeeCompany(const std::string& company_id) const {
  if (IsMspAdmin()) return true;
  return std::find(company_ids.begin(), company_ids.end(), company_id) != company_ids.end();
}

void RequireSee(const Principal& p, const std::string& company_id) {
  if (!p.CanSeeCompany(company_id)) ThrowForbidden("you do not have access to company " + company_id);
}

void RequireWrite(const Principal& p, const std::string& company_id) {
  RequireSee(p, company_id);
  if (!p.CanWriteCompany(company_id)) ThrowForbidden("your role (client) is read-only");
}

void RequireCompanyAdmin(const Principal& p, const std::string& company_id) {
  RequireSee(p, company_id);
  if (!p.IsCompanyAdminOf(company_id)) ThrowForbidden("this action needs a company admin or MSP admin");
}

void RequireMspAdmin(const Principal& p) {
  if (!p.IsMspAdmin()) ThrowForbidden("this action needs an MSP admin");
}

}  // namespace aw::services
