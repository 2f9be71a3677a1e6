#include "app/tables_cli.h"

#include <string>

#include "app/app.h"
#include "app/dynamodb_setup.h"
#include "store/dynamodb/dynamodb_schema.h"
#include "store/tables.h"

namespace aw::app {
namespace {

using store::dynamodb::Json;

std::string IndexesText(const std::vector<store::dynamodb::DescribedIndex>& indexes) {
  if (indexes.empty()) return "none";
  std::string out;
  for (const auto& i : indexes) {
    if (!out.empty()) out += ", ";
    out += i.name + " " + store::dynamodb::KeySchemaText(i.pk, i.sk);
    if (!i.status.empty() && i.status != "ACTIVE") out += " [" + i.status + "]";
  }
  return out;
}

// "enabled", or why not.
std::string EnableTtl(const store::dynamodb::DynamoClient& client, const std::string& table,
                      const std::string& attribute) {
  auto d = client.Call("DescribeTimeToLive", {{"TableName", table}});
  if (d.ok()) {
    const Json& ttl = (*d)["TimeToLiveDescription"];
    if (ttl.is_object() && ttl.value("TimeToLiveStatus", "") == "ENABLED" &&
        ttl.value("AttributeName", "") == attribute) {
      return "enabled on '" + attribute + "'";
    }
  }
  auto r = client.Call("UpdateTimeToLive",
                       {{"TableName", table},
                        {"TimeToLiveSpecification", {{"AttributeName", attribute}, {"Enabled", true}}}});
  if (r.ok()) return "enabled on '" + attribute + "'";
  return "NOT enabled: this server does not support it (" + r.status().message() +
         "); expired items stay hidden from every read, but are not deleted";
}

std::string EnablePitr(const store::dynamodb::DynamoClient& client, const std::string& table) {
  auto r = client.Call("UpdateContinuousBackups",
                       {{"TableName", table},
                        {"PointInTimeRecoverySpecification", {{"PointInTimeRecoveryEnabled", true}}}});
  if (r.ok()) return "enabled";
  return "NOT enabled: this server does not support it (" + r.status().message() + ")";
}

int EmbeddedCreate(const Config& config, std::ostream& out, std::ostream& err) {
  auto app = App::Open(config);  // creates the tables
  if (!app.ok()) {
    err << "alertwhisperer: " << app.status().message() << std::endl;
    return 2;
  }
  out << "The 11 tables exist in " << config.data_dir << std::endl;
  return 0;
}

int EmbeddedCheck(const Config& config, std::ostream& out, std::ostream& err) {
  auto app = App::Open(config);
  if (!app.ok()) {
    err << "alertwhisperer: " << app.status().message() << std::endl;
    return 2;
  }
  int problems = 0;
  for (const auto& spec : store::tables::All()) {
    const store::TableSpec* found = (*app)->store()->FindTable(spec.name);
    if (found == nullptr) {
      out << spec.name << ": MISSING" << std::endl;
      ++problems;
      continue;
    }
    out << spec.name << ": RocksDB, key " << store::dynamodb::KeySchemaText(found->pk, found->sk) << ", GSIs ";
    if (found->indexes.empty()) out << "none";
    for (size_t i = 0; i < found->indexes.size(); ++i) {
      out << (i ? ", " : "") << found->indexes[i].name << " "
          << store::dynamodb::KeySchemaText(found->indexes[i].pk, found->indexes[i].sk);
    }
    out << std::endl;
  }
  out << (problems ? "Problems found." : "All 11 tables are as designed.") << std::endl;
  return problems ? 1 : 0;
}

}  // namespace

int RunTablesCreate(const Config& config, const TablesCreateOptions& options, std::ostream& out,
                    std::ostream& err) {
  if (config.store != "dynamodb") return EmbeddedCreate(config, out, err);
  if ((options.read_capacity > 0) != (options.write_capacity > 0)) {
    err << "alertwhisperer: --rcu and --wcu go together (provisioned capacity), or neither (on-demand)"
        << std::endl;
    return 2;
  }
  auto st = OpenDynamoStore(config, {true, options.read_capacity, options.write_capacity}, SystemClock::Default());
  if (!st.ok()) {
    err << "alertwhisperer: " << st.status().message() << std::endl;
    return 2;
  }
  auto& store = **st;
  const auto& client = store.client();
  out << "DynamoDB at " << client.endpoint() << ", region " << config.aws_region << ", prefix '"
      << config.table_prefix << "', "
      << (options.read_capacity > 0 ? "provisioned " + std::to_string(options.read_capacity) + " RCU / " +
                                          std::to_string(options.write_capacity) + " WCU"
                                    : std::string("on-demand"))
      << std::endl;
  int failures = 0;
  for (const auto& spec : store::tables::All()) {
    const std::string full = store.FullName(spec.name);
    bool existed = client.Call("DescribeTable", {{"TableName", full}}).ok();
    Status s = store.CreateTable(spec);
    if (!s.ok()) {
      out << full << ": FAILED: " << s.message() << std::endl;
      ++failures;
      continue;
    }
    out << full << ": " << (existed ? "exists" : "created") << ", ACTIVE";
    if (spec.ttl_attribute) out << "; TTL " << EnableTtl(client, full, *spec.ttl_attribute);
    out << "; point-in-time recovery " << EnablePitr(client, full) << std::endl;
  }
  if (failures) {
    err << "alertwhisperer: " << failures << " table(s) could not be created" << std::endl;
    return 1;
  }
  return 0;
}

int RunTablesCheck(const Config& config, std::ostream& out, std::ostream& err) {
  if (config.store != "dynamodb") return EmbeddedCheck(config, out, err);
  auto st = OpenDynamoStore(config, {}, SystemClock::Default());
  if (!st.ok()) {
    err << "alertwhisperer: " << st.status().message() << std::endl;
    return 2;
  }
  const auto& client = (*st)->client();
  out << "DynamoDB at " << client.endpoint() << ", region " << config.aws_region << ", prefix '"
      << config.table_prefix << "'" << std::endl;
  int problems = 0;
  for (const auto& spec : store::tables::All()) {
    const std::string full = (*st)->FullName(spec.name);
    auto r = client.Call("DescribeTable", {{"TableName", full}});
    if (!r.ok()) {
      if (r.status().IsNotFound()) {
        out << full << ": MISSING (run `alertwhisperer tables create`)" << std::endl;
        ++problems;
        continue;
      }
      err << "alertwhisperer: cannot describe " << full << ": " << r.status().message() << std::endl;
      return 2;
    }
    auto d = store::dynamodb::ParseDescribeTable(*r);
    if (!d.ok()) {
      err << "alertwhisperer: " << d.status().message() << std::endl;
      return 2;
    }
    out << full << ": " << d->status << ", key " << store::dynamodb::KeySchemaText(d->pk, d->sk) << ", GSIs "
        << IndexesText(d->indexes) << ", " << d->item_count << " items, " << d->billing_mode << std::endl;
    for (const auto& diff : store::dynamodb::Differences(spec, *d)) {
      out << "  DIFFERENT: " << diff << std::endl;
      ++problems;
    }
    if (d->status != "ACTIVE") {
      out << "  NOT ACTIVE: " << d->status << std::endl;
      ++problems;
    }
  }
  out << (problems ? std::to_string(problems) + " problem(s) found." : std::string("All 11 tables are as designed."))
      << std::endl;
  return problems ? 1 : 0;
}

}  // namespace aw::app
