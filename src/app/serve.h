#pragma once

#include "app/config.h"

namespace aw::app {

// Runs the server until SIGTERM or SIGINT, then shuts down gracefully
// (in-flight requests finish, the store is flushed). Returns the exit code.
// REQUIRES: SIGTERM and SIGINT are blocked in every thread (main does it).
int Serve(const Config& config);

}  // namespace aw::app
