// The codecs of core/records.h: items as today's code writes them read and
// write back unchanged, and attributes a record does not model survive a
// read-modify-write.

#include "core/records.h"

#include <gtest/gtest.h>

namespace aw::core {
namespace {

using nlohmann::json;

// An incident as IncidentService wrote it before the records existed (the
// 30-field literal), decorated with SLA deadlines and stamped for the lists.
json LegacyIncident() {
  return {
      {"company_id", "c1"},
      {"id", "0190aa"},
      {"title", "cpu_high on web-1"},
      {"description", "CPU 99%"},
      {"status", "new"},
      {"severity", "high"},
      {"alert_ids", {"a1", "a2"}},
      {"alert_count", 2},
      {"active_alert_count", 2},
      {"tool_sources", {"datadog"}},
      {"signature", "cpu_high"},
      {"asset_name", "web-1"},
      {"asset_id", "as1"},
      {"critical_asset", false},
      {"category", "performance"},
      {"correlation_key", "asset|signature"},
      {"correlation_ptr", "ptr#abc"},
      {"assigned_to", nullptr},
      {"assigned_at", nullptr},
      {"resolved_at", nullptr},
      {"resolved_by", nullptr},
      {"resolution_notes", nullptr},
      {"escalated", false},
      {"escalation_level", 0},
      {"sla", {{"response_due", "2026-12-03T13:00:00.000000Z"}, {"policy", "p1"}}},
      {"metadata", json::object()},
      {"created_at", "2026-12-03T12:00:00.000000Z"},
      {"updated_at", "2026-12-03T12:00:00.000000Z"},
      {"first_alert_at", "2026-12-03T12:00:00.000000Z"},
      {"last_alert_at", "2026-12-03T12:00:00.000000Z"},
      {"last_alert_us", int64_t{1764763200000000}},
      {"version", 1},
      {"priority_score", 64},
      {"time_shard", "t#3"},
      {"open_shard", "open#3"},
      {"queue_key", "064#0190aa"},
  };
}

TEST(CoreRecordsTest, IncidentWrittenByTodaysCodeRoundTrips) {
  const json item = LegacyIncident();
  Incident inc = Incident::FromItem(item);
  EXPECT_EQ(inc.id, "0190aa");
  EXPECT_EQ(inc.alert_ids, (std::vector<std::string>{"a1", "a2"}));
  EXPECT_EQ(inc.alert_count, 2);
  EXPECT_EQ(inc.last_alert_us, int64_t{1764763200000000});
  EXPECT_FALSE(inc.assigned_to.has_value());
  EXPECT_TRUE(inc.extra.contains("sla"));
  EXPECT_FALSE(inc.extra.contains("severity"));  // modelled: not in extra
  EXPECT_EQ(inc.ToItem(), item);
}

TEST(CoreRecordsTest, UnmodelledAttributesSurviveAReadModifyWrite) {
  json item = LegacyIncident();
  item["added_by_a_later_version"] = {{"x", 1}};
  Incident inc = Incident::FromItem(item);
  inc.severity = "critical";
  inc.assigned_to = "u1";
  inc.version += 1;
  json out = inc.ToItem();
  EXPECT_EQ(out["added_by_a_later_version"], item["added_by_a_later_version"]);
  EXPECT_EQ(out["sla"], item["sla"]);
  EXPECT_EQ(out["queue_key"], item["queue_key"]);
  EXPECT_EQ(out["severity"], "critical");
  EXPECT_EQ(out["assigned_to"], "u1");
  EXPECT_EQ(out["version"], 2);
}

TEST(CoreRecordsTest, AlertWrittenByTodaysCodeRoundTrips) {
  const json item = {
      {"company_id", "c1"},
      {"id", "0190ab"},
      {"asset_name", "web-1"},
      {"signature", "cpu_high"},
      {"severity", "high"},
      {"message", "CPU 99%"},
      {"tool_source", "datadog"},
      {"status", "active"},
      {"timestamp", "2026-12-03T12:00:00.000000Z"},
      {"received_at", "2026-12-03T12:00:00.000001Z"},
      {"last_seen", "2026-12-03T12:00:00.000001Z"},
      {"delivery_attempts", 3},
      {"delivery_id", "d-1"},
      {"metadata", {{"region", "eu"}}},
      {"ttl", 1767355200},
      {"asset_id", "as1"},
      {"correlated_incident_id", "0190aa"},
      {"time_shard", "t#5"},
      {"time_key", "2026-12-03T12:00:00.000000Z#0190ab"},
      {"suppressed", true},
      {"suppressed_by", "silence"},
  };
  Alert a = Alert::FromItem(item);
  EXPECT_EQ(a.delivery_attempts, 3);
  EXPECT_EQ(a.delivery_id, "d-1");
  EXPECT_EQ(a.ttl, 1767355200);
  EXPECT_EQ(a.extra.size(), 4u);  // time_shard, time_key, suppressed, suppressed_by
  EXPECT_EQ(a.ToItem(), item);
  // Optional attributes are not invented for an alert that has none.
  json bare = item;
  for (const char* k : {"delivery_id", "asset_id", "correlated_incident_id", "ttl"}) bare.erase(k);
  EXPECT_EQ(Alert::FromItem(bare).ToItem(), bare);
}

TEST(CoreRecordsTest, PointersOfBothKindsRoundTrip) {
  const json owned = {{"company_id", "c1#corr"},
                      {"id", "ptr#abc"},
                      {"incident_id", "0190aa"},
                      {"version", 4},
                      {"last_at_us", int64_t{1764763200000000}}};
  CorrelationPointer p = CorrelationPointer::FromItem(owned);
  EXPECT_EQ(p.incident_id, "0190aa");
  EXPECT_EQ(p.version, 4);
  EXPECT_EQ(p.ToItem(), owned);
  const json pending = {{"company_id", "c1#corr"},
                        {"id", "ptr#abc"},
                        {"incident_id", ""},
                        {"pending_ids", {"a1", "a2"}},
                        {"pending_severity", "high"},
                        {"pending_tools", {"datadog"}},
                        {"last_at_us", int64_t{1764763200000000}},
                        {"version", 2},
                        {"ttl", 1764850500}};
  CorrelationPointer q = CorrelationPointer::FromItem(pending);
  EXPECT_EQ(q.pending_ids.size(), 2u);
  EXPECT_EQ(q.ttl, 1764850500);
  EXPECT_EQ(q.ToItem(), pending);
}

TEST(CoreRecordsTest, RepeatClaimRoundTrips) {
  const json item = {{"company_id", "c1"},
                     {"id", "dlv#ff"},
                     {"alert_id", "0190ab"},
                     {"created_us", int64_t{1764763200000000}},
                     {"ttl", 1764849600}};
  RepeatClaim c = RepeatClaim::FromItem(item);
  EXPECT_EQ(c.alert_id, "0190ab");
  EXPECT_EQ(c.ToItem(), item);
}

TEST(CoreRecordsTest, AWronglyTypedModelledAttributeThrows) {
  json item = LegacyIncident();
  item["alert_count"] = "two";
  EXPECT_THROW(Incident::FromItem(item), json::type_error);
}

// Found by tests/fuzz/records_fuzz.cc: a number beyond int64 in an int64
// attribute was cast (undefined behaviour; UBSan aborts) or wrapped into a
// negative count. It is the wrong type, like a string there.
TEST(CoreRecordsTest, ANumberBeyondInt64IsAWronglyTypedAttribute) {
  for (json n : {json(1e300), json(-1e19), json(9223372036854775808.0), json(uint64_t{18446744073709551615u})}) {
    json item = LegacyIncident();
    item["alert_count"] = n;
    EXPECT_THROW(Incident::FromItem(item), json::type_error) << n.dump();
    EXPECT_THROW(Alert::FromItem(json{{"ttl", n}}), json::type_error) << n.dump();
  }
  json item = LegacyIncident();
  item["alert_count"] = 2.0;  // what a float-writing client stored: still read
  EXPECT_EQ(Incident::FromItem(item).alert_count, 2);
}

}  // namespace
}  // namespace aw::core
