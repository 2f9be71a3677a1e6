#include "services/context.h"

#include "base/time_format.h"

namespace aw::services {

std::string Context::Now() const { return FormatIso8601Micros(clock->NowMicros()); }

}  // namespace aw::services
