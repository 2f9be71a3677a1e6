#pragma once

// Which company an incident id belongs to, without a locator item per
// incident (DynamoDB intake; docs/dynamodb.md, "Capacity per API operation").
//
// Routes carry an incident id without its company, and the Incidents table is
// keyed (company_id, id). Before, every new incident wrote a locator item
// (id -> company). Now each company holds a 32-bit tag (from SHA-256 of its
// id), claimed once in the store by a conditional put of a tag item
// ("_itag#<8 hex>", "owner") -> owner company, and a new incident's id
// carries that tag as its last 8 hex digits (instead of NewId's random
// tail). A reader maps
// the tag to its owner (cached: a tag's owner never changes) and reads the
// incident there.
//
// Safe by construction: a company whose tag another company holds (a 32-bit
// collision), or whose tag could not be claimed (store error), gets plain ids
// and its opener writes a locator as before; an id whose tail names no owner,
// or whose owner does not hold it (an id of the previous release), is found
// through its locator. Writing a locator is never wrong, only a write more.
// Thread-safe.

#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>
#include <unordered_set>

#include "services/context.h"

namespace aw::services {

class IncidentTags {
 public:
  explicit IncidentTags(Context* ctx) : ctx_(ctx) {}

  // An id for a new incident of `company_id`: tagged when the company holds
  // its tag (claimed here on first use; one write per company and replica).
  std::string NewIncidentId(const std::string& company_id, int64_t now_us);
  // True when `incident_id` carries the tag `company_id` holds, so it needs
  // no locator.
  bool Tagged(const std::string& company_id, const std::string& incident_id);
  // The company holding the tag `incident_id` carries, or "" (no such tag).
  // The caller still reads the incident there: an id of the previous release
  // may carry another company's tag by chance. A tag found unclaimed is
  // remembered as such (the embedded store's ids carry no claimed tag: one
  // read saved per incident route); `fresh` reads the store again, for a
  // caller that found no locator either (another replica may have claimed
  // the tag since).
  std::string OwnerOf(const std::string& incident_id, bool fresh = false);

  // The tag item's key for a tag as 8 hex digits.
  static store::Key TagKey(const std::string& tag_hex);

 private:
  // Whether `company_id` holds its tag; nullopt when the store could not say.
  std::optional<bool> Holds(const std::string& company_id);

  Context* ctx_;
  std::mutex mu_;
  std::unordered_map<std::string, bool> holds_;         // company -> holds its tag
  std::unordered_map<std::string, std::string> owners_;  // tag hex -> owner company (positive only)
  std::unordered_set<std::string> unclaimed_;            // tags read absent (see OwnerOf)
};

}  // namespace aw::services
