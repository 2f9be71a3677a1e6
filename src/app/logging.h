#pragma once

#include <string>

namespace aw::app {

// Sets up spdlog on stderr: "<UTC time> <level> [<request id>] <message>";
// the request id is the one the calling worker thread is handling, "-" if none.
void SetupLogging(const std::string& level);

}  // namespace aw::app
