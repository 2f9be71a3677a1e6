#pragma once

// The authenticated caller and the company-scope rules every route applies.

#include <string>
#include <vector>

namespace aw::services {

enum class Role { kMspAdmin, kCompanyAdmin, kTechnician, kClient };

// "msp_admin" and its alias "admin" -> kMspAdmin, ... ; false for anything else.
bool ParseRole(const std::string& s, Role* out);
const char* RoleName(Role r);

struct Principal {
  std::string user_id;
  std::string email;
  std::string name;
  Role role = Role::kClient;
  std::vector<std::string> company_ids;

  bool IsMspAdmin() const { return role == Role::kMspAdmin; }
  bool CanSeeCompany(const std::string& company_id) const;
  // May change data of this company (clients are read-only).
  bool CanWriteCompany(const std::string& company_id) const {
    return role != Role::kClient && CanSeeCompany(company_id);
  }
  bool IsCompanyAdminOf(const std::string& company_id) const {
    return IsMspAdmin() || (role == Role::kCompanyAdmin && CanSeeCompany(company_id));
  }
};

// Throw 403 unless the caller may see / write / administer the company.
void RequireSee(const Principal& p, const std::string& company_id);
void RequireWrite(const Principal& p, const std::string& company_id);
void RequireCompanyAdmin(const Principal& p, const std::string& company_id);
void RequireMspAdmin(const Principal& p);

}  // namespace aw::services
