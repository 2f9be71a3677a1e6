#pragma once

// Opening the DynamoDB store from the configuration (AW_STORE=dynamodb):
// credentials, region, endpoint and table prefix. Shared by App::Open and
// the `tables` verbs.

#include <memory>

#include "app/config.h"
#include "base/clock.h"
#include "base/status.h"
#include "store/dynamodb/dynamodb_store.h"

namespace aw::app {

struct DynamoSetup {
  // Create missing tables and indexes (`tables create`, AW_DYNAMODB_CREATE_TABLES).
  bool create_missing = false;
  int read_capacity = 0;  // 0/0: on-demand
  int write_capacity = 0;
};

// kInvalidArgument, one sentence naming the setting, when credentials are
// missing. Makes no call yet.
Result<std::unique_ptr<store::DynamoStore>> OpenDynamoStore(const Config& config, const DynamoSetup& setup,
                                                            const aw::Clock* clock);

}  // namespace aw::app
