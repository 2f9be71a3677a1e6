#include "services/context.h"

#include "base/time_format.h"

namespace aw::services {

std::string Context::Now() const { return FormatIso8601Micros(clock->NowMicros()); }

NullEventSink* NullEventSink::Instance() {
  static NullEventSink sink;
  return &sink;
}

NullNotifier* NullNotifier::Instance() {
  static NullNotifier n;
  return &n;
}

}  // namespace aw::services
