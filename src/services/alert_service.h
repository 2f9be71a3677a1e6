#pragma once

// Webhook intake and alert listing.
//
// Ingest writes the alert durably before it returns. With a delivery id
// (X-Delivery-ID) the call is idempotent: a claim item
// (Alerts: company_id, "dlv#<sha256(delivery id)>") is written with a
// conditional put; the winner writes the alert, every repeat increments the
// alert's delivery_attempts with an atomic ADD. The steps are ordered so a
// crash between them is repaired by the next delivery of the same id.
// Thread-safe; methods may throw ApiError.

#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "services/context.h"
#include "services/page.h"
#include "services/principal.h"

namespace aw::services {

struct AlertInput {
  std::string asset_name;
  std::string signature;
  std::string severity;  // critical | high | medium | low
  std::string message;
  std::string tool_source = "External";
  std::optional<int64_t> timestamp_micros;  // event time from the sender
  nlohmann::json metadata = nlohmann::json::object();
  std::string status = "active";  // active | resolved (issue: correlation)
};

struct IngestResult {
  std::string alert_id;
  std::string company_id;
  bool duplicate = false;
  int64_t delivery_attempts = 1;
  nlohmann::json alert;
};

struct AlertFilter {
  std::string company_id;  // empty: every company the caller may see
  std::string status;      // empty: any
  int limit = kDefaultPageSize;
  std::string cursor;
};

class AlertService {
 public:
  explicit AlertService(Context* ctx) : ctx_(ctx) {}

  IngestResult Ingest(const std::string& company_id, const AlertInput& in, const std::string& delivery_id);
  // Newest first. Across several companies the pages are merged by
  // (timestamp, id); the cursor is "<timestamp>|<id>" of the last item.
  Page List(const Principal& p, const AlertFilter& f, const std::vector<std::string>& all_company_ids);

 private:
  IngestResult Repeat(const std::string& company_id, const std::string& alert_id, const nlohmann::json& alert);

  Context* ctx_;
};

}  // namespace aw::services
