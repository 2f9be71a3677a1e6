#include "base/malloc_stats.h"

#include <cstddef>

// jemalloc's control interface; null when the process does not link it.
extern "C" int mallctl(const char* name, void* oldp, size_t* oldlenp, void* newp, size_t newlen)
    __attribute__((weak));

namespace aw {

namespace {

uint64_t ReadSize(const char* name) {
  size_t v = 0, len = sizeof(v);
  return mallctl(name, &v, &len, nullptr, 0) == 0 ? uint64_t{v} : 0;
}

}  // namespace

MallocStats ReadMallocStats() {
  MallocStats s;
  if (mallctl == nullptr) return s;
  // The stats are a snapshot taken at the last epoch change: advance it.
  uint64_t epoch = 1;
  size_t len = sizeof(epoch);
  if (mallctl("epoch", &epoch, &len, &epoch, len) != 0) return s;
  s.available = true;
  s.allocated = ReadSize("stats.allocated");
  s.active = ReadSize("stats.active");
  s.resident = ReadSize("stats.resident");
  s.mapped = ReadSize("stats.mapped");
  s.retained = ReadSize("stats.retained");
  s.metadata = ReadSize("stats.metadata");
  return s;
}

nlohmann::json MallocStatsJson(const MallocStats& s) {
  return {{"available", s.available},     {"allocated_bytes", s.allocated}, {"active_bytes", s.active},
          {"resident_bytes", s.resident}, {"mapped_bytes", s.mapped},       {"retained_bytes", s.retained},
          {"metadata_bytes", s.metadata}};
}

}  // namespace aw
