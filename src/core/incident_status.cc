#include "core/incident_status.h"

#include <algorithm>

namespace aw::core {

namespace {

struct Row {
  const char* from;
  std::vector<std::string> to;
};

const std::vector<Row>& Table() {
  static const std::vector<Row> rows = {
      {"new", {"acknowledged", "in_progress", "escalated", "resolved"}},
      {"acknowledged", {"in_progress", "escalated", "resolved"}},
      {"in_progress", {"escalated", "resolved"}},
      {"escalated", {"acknowledged", "in_progress", "resolved"}},
      {"resolved", {"closed", "in_progress"}},
      {"closed", {}},
  };
  return rows;
}

}  // namespace

const std::vector<std::string>& AllIncidentStatuses() {
  static const std::vector<std::string> all = {"new", "acknowledged", "in_progress", "escalated", "resolved",
                                               "closed"};
  return all;
}

bool IsIncidentStatus(std::string_view s) {
  const auto& all = AllIncidentStatuses();
  return std::find(all.begin(), all.end(), s) != all.end();
}

const std::vector<std::string>& OpenIncidentStatuses() {
  static const std::vector<std::string> kOpen = {"new", "acknowledged", "in_progress", "escalated"};
  return kOpen;
}

bool IsOpenStatus(std::string_view s) {
  for (const auto& o : OpenIncidentStatuses()) {
    if (s == o) return true;
  }
  return false;
}

std::vector<std::string> AllowedTransitions(std::string_view from) {
  for (const auto& r : Table()) {
    if (from == r.from) return r.to;
  }
  return {};
}

bool CanTransition(std::string_view from, std::string_view to) {
  if (from == to) return IsIncidentStatus(to);
  auto allowed = AllowedTransitions(from);
  return std::find(allowed.begin(), allowed.end(), to) != allowed.end();
}

}  // namespace aw::core
