#include "app/dynamodb_setup.h"

namespace aw::app {

Result<std::unique_ptr<store::DynamoStore>> OpenDynamoStore(const Config& config, const DynamoSetup& setup,
                                                            const aw::Clock* clock) {
  if (config.aws_access_key_id.empty() || config.aws_secret_access_key.empty()) {
    const char* missing = config.aws_access_key_id.empty() ? "AWS_ACCESS_KEY_ID" : "AWS_SECRET_ACCESS_KEY";
    return Status::InvalidArgument(std::string("setting ") + missing +
                                   " is missing: AW_STORE=dynamodb signs every DynamoDB call with "
                                   "AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY (and AWS_SESSION_TOKEN "
                                   "for temporary credentials)");
  }
  store::DynamoOptions opts;
  opts.client.endpoint = config.dynamodb_endpoint;
  opts.client.region = config.aws_region;
  opts.client.credentials = {config.aws_access_key_id, config.aws_secret_access_key, config.aws_session_token};
  opts.table_prefix = config.table_prefix;
  opts.create_missing = setup.create_missing;
  opts.read_capacity = setup.read_capacity;
  opts.write_capacity = setup.write_capacity;
  return std::make_unique<store::DynamoStore>(std::move(opts), clock);
}

}  // namespace aw::app
