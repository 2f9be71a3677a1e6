// Incident ids carry their company's tag instead of a locator item per
// incident (services/incidents/incident_tags.h), and ids of the previous
// release (plain ids with a locator) are still found.

#include <gtest/gtest.h>

#include "base/clock.h"
#include "base/ids.h"
#include "crypto/hash.h"
#include "services/config_service.h"
#include "services/context.h"
#include "services/incidents/incident_items.h"
#include "services/incidents/incident_service.h"
#include "services/kpi_service.h"
#include "store/memory/memory_store.h"
#include "store/tables.h"

namespace aw::services {
namespace {

namespace t = store::tables;
using nlohmann::json;

std::string TagOf(const std::string& company_id) {
  return crypto::Sha256Hex("incident-tag\n" + company_id).substr(0, 8);
}

class IncidentTagsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    store_ = std::make_unique<store::MemoryStore>(&clock_);
    for (const auto& spec : t::All()) ASSERT_TRUE(store_->CreateTable(spec).ok());
    ctx_.store = store_.get();
    ctx_.clock = &clock_;
    configs_ = std::make_unique<ConfigService>(&ctx_);
    kpis_ = std::make_unique<KpiService>(&ctx_);
    incidents_ = std::make_unique<IncidentService>(&ctx_, configs_.get(), kpis_.get());
  }

  CorrelationResult Open(const std::string& company_id, const std::string& asset) {
    CorrelationInput in;
    in.alert_id = NewId(clock_.NowMicros());
    in.asset_name = asset;
    in.asset_id = asset;
    in.signature = "cpu_high";
    in.message = "CPU high";
    in.severity = "high";
    in.tool_source = "test";
    return incidents_->Correlate(company_id, in);
  }

  bool HasLocator(const std::string& incident_id) {
    return store_->GetItem({t::kIncidents, incident_items::LocatorKey(incident_id)}).ok();
  }

  FakeClock clock_;
  std::unique_ptr<store::MemoryStore> store_;
  Context ctx_;
  std::unique_ptr<ConfigService> configs_;
  std::unique_ptr<KpiService> kpis_;
  std::unique_ptr<IncidentService> incidents_;
};

TEST_F(IncidentTagsTest, ANewIncidentIdCarriesItsCompanysTagAndNeedsNoLocator) {
  CorrelationResult a = Open("c1", "web-1");
  CorrelationResult b = Open("c2", "web-1");
  ASSERT_TRUE(a.created && b.created);
  EXPECT_TRUE(IsValidId(a.incident_id)) << a.incident_id;
  EXPECT_EQ(a.incident_id.substr(28), TagOf("c1"));
  EXPECT_EQ(b.incident_id.substr(28), TagOf("c2"));
  EXPECT_FALSE(HasLocator(a.incident_id));
  EXPECT_FALSE(HasLocator(b.incident_id));
  json item;
  EXPECT_EQ(incidents_->CompanyOf(a.incident_id, &item), "c1");
  EXPECT_EQ(item.value("id", ""), a.incident_id);
  EXPECT_EQ(incidents_->CompanyOf(b.incident_id), "c2");
  // A second replica (its own caches) finds it too.
  IncidentService other(&ctx_, configs_.get(), kpis_.get());
  EXPECT_EQ(other.CompanyOf(a.incident_id), "c1");
  // An unknown id with a held tag is no incident.
  std::string unknown = NewId(clock_.NowMicros()).substr(0, 28) + TagOf("c1");
  EXPECT_EQ(incidents_->CompanyOf(unknown), "");
}

TEST_F(IncidentTagsTest, ACompanyWhoseTagIsHeldByAnotherGetsPlainIdsAndLocators) {
  // A 32-bit collision, staged: another company holds c1's tag.
  const store::Key key = IncidentTags::TagKey(TagOf("c1"));
  ASSERT_TRUE(store_->PutItem({t::kIncidents, json{{"company_id", key.pk}, {"id", *key.sk}, {"owner", "other"}}, {}})
                  .ok());
  CorrelationResult a = Open("c1", "web-1");
  ASSERT_TRUE(a.created);
  EXPECT_TRUE(HasLocator(a.incident_id));
  EXPECT_EQ(incidents_->CompanyOf(a.incident_id), "c1");
}

TEST_F(IncidentTagsTest, IncidentsOfThePreviousReleaseAreFoundThroughTheirLocator) {
  Open("c1", "web-1");  // c1 holds its tag now
  // A plain id with its locator, as the previous release wrote them, even one
  // whose random tail happens to be c1's tag while it belongs to c2.
  for (const std::string& id : {NewId(clock_.NowMicros()), NewId(clock_.NowMicros()).substr(0, 28) + TagOf("c1")}) {
    ASSERT_TRUE(store_->PutItem({t::kIncidents, json{{"company_id", "c2"}, {"id", id}, {"status", "new"}}, {}}).ok());
    ASSERT_TRUE(store_->PutItem({t::kIncidents, incident_items::Locator("c2", id), {}}).ok());
    json item;
    EXPECT_EQ(incidents_->CompanyOf(id, &item), "c2") << id;
  }
}

// A replica remembers a tag it found unclaimed (the embedded store's ids:
// no tag read per incident route), yet finds an incident whose company
// claimed that tag on another replica afterwards.
TEST_F(IncidentTagsTest, ATagRememberedUnclaimedIsReadAgainWhenNoLocatorAnswers) {
  IncidentService reader(&ctx_, configs_.get(), kpis_.get());
  const std::string early = NewId(clock_.NowMicros()).substr(0, 28) + TagOf("c1");
  EXPECT_EQ(reader.CompanyOf(early), "");  // c1's tag unclaimed so far: remembered
  // A plain id with a locator is found by the locator alone.
  const std::string plain = NewId(clock_.NowMicros()).substr(0, 28) + TagOf("c1");
  ASSERT_TRUE(store_->PutItem({t::kIncidents, json{{"company_id", "c2"}, {"id", plain}}, {}}).ok());
  ASSERT_TRUE(store_->PutItem({t::kIncidents, incident_items::Locator("c2", plain), {}}).ok());
  EXPECT_EQ(reader.CompanyOf(plain), "c2");
  // Another replica claims c1's tag and opens a tagged incident (no locator).
  CorrelationResult a = Open("c1", "web-1");
  ASSERT_TRUE(a.created);
  ASSERT_FALSE(HasLocator(a.incident_id));
  json item;
  EXPECT_EQ(reader.CompanyOf(a.incident_id, &item), "c1");
  EXPECT_EQ(item.value("id", ""), a.incident_id);
}

}  // namespace
}  // namespace aw::services
