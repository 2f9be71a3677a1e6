#pragma once

// The incident lifecycle:
//   new -> acknowledged -> in_progress -> resolved -> closed, plus escalated.
//
//   from          allowed next states
//   new           acknowledged, in_progress, escalated, resolved
//   acknowledged  in_progress, escalated, resolved
//   in_progress   escalated, resolved
//   escalated     acknowledged, in_progress, resolved
//   resolved      closed, in_progress (reopen)
//   closed        (none)
// Staying in the same state is not a transition (always allowed).

#include <string>
#include <string_view>
#include <vector>

namespace aw::core {

bool IsIncidentStatus(std::string_view s);
// Open = still takes alerts and counts as open: new, acknowledged, in_progress, escalated.
bool IsOpenStatus(std::string_view s);
// The open statuses, for listing open incidents through company_id-status-index.
const std::vector<std::string>& OpenIncidentStatuses();
bool CanTransition(std::string_view from, std::string_view to);
std::vector<std::string> AllowedTransitions(std::string_view from);
const std::vector<std::string>& AllIncidentStatuses();

}  // namespace aw::core
