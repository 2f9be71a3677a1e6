#pragma once

// Demo data: the admin, three companies with API keys and assets, per
// company a company admin, a technician and a client, a few on-call
// schedules and runbooks. Every write is conditional, so running it twice,
// or on two replicas at once, creates nothing twice.

#include <string>
#include <vector>

#include "services/identity/company_service.h"
#include "services/context.h"
#include "services/identity/user_service.h"

namespace aw::services {

struct DemoAccount {
  const char* email;
  const char* password;
};

// The demo logins, for the start-up warning while a password is unchanged.
const std::vector<DemoAccount>& DemoAccounts();

// True when the store was seeded before (a marker item exists).
bool IsSeeded(Context* ctx);
// Creates whatever demo data is missing and writes the marker.
void SeedDemo(Context* ctx, UserService* users, CompanyService* companies);

}  // namespace aw::services
