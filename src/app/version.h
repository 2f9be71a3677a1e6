#pragma once

// The release, shown by `alertwhisperer --version`, /api/health and the start-up log line, and
// used as the Debian package's version (scripts/make-package.sh).

namespace aw::app {

inline constexpr const char* kVersion = "0.1.0";

}  // namespace aw::app
