#pragma once
// What SQLite holds in this process, all connections together (sqlite3_status64): the collector's
// memory gauges (memory_gauges.h) show it next to malloc's figures so a growing RSS can be told
// apart (bench/soak.sh).
#include <cstdint>

namespace sahab::collector {

struct SqliteMemory {
  std::int64_t used = 0;        // every allocation SQLite made, page caches included
  std::int64_t page_cache = 0;  // of it, the page caches' pages (none come from a static buffer)
  std::int64_t used_max = 0;    // the highest `used` since the process started
};
SqliteMemory sqlite_memory();

}  // namespace sahab::collector
