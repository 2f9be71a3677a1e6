#pragma once

#include <string>
#include <string_view>

namespace aw::core {

// A coarse category for an incident from its alert signature (and message):
// cpu, memory, disk, network, database, service, security, application,
// other. Used to route escalations to the right kind of technician.
std::string Categorize(std::string_view signature, std::string_view message);

}  // namespace aw::core
