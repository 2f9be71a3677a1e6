#include "base/clock.h"

namespace aw {

SystemClock* SystemClock::Default() {
  static SystemClock clock;
  return &clock;
}

}  // namespace aw
