#pragma once

// The allocator's own figures (jemalloc's stats.* through mallctl), to tell
// live heap from what the allocator keeps: RSS minus `resident` is memory
// outside the heap (thread stacks, mapped files), `resident` minus
// `allocated` is the allocator's slack (dirty pages, fragmentation).
// Shown by GET /api/admin/store-stats ("malloc") and /metrics, read by
// bench/soak.py.
//
// mallctl is found at run time (a weak symbol): a build without jemalloc
// (AW_JEMALLOC=OFF, sanitizers) answers available = false.

#include <cstdint>
#include <nlohmann/json.hpp>

namespace aw {

struct MallocStats {
  bool available = false;  // jemalloc is linked
  uint64_t allocated = 0;  // bytes in live allocations
  uint64_t active = 0;     // bytes in pages holding them
  uint64_t resident = 0;   // bytes of the allocator's mapped memory resident in RAM (metadata included)
  uint64_t mapped = 0;     // bytes of active extents mapped
  uint64_t retained = 0;   // bytes unmapped-from-use but kept for reuse (virtual, not RSS)
  uint64_t metadata = 0;   // the allocator's own bookkeeping
};

// Refreshes jemalloc's cached figures ("epoch") and reads them. Thread-safe.
MallocStats ReadMallocStats();

// {"available": ..., "allocated_bytes": ..., ...}.
nlohmann::json MallocStatsJson(const MallocStats& s);

}  // namespace aw
