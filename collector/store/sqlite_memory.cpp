#include "collector/store/sqlite_memory.h"

#include <sqlite3.h>

namespace sahab::collector {

SqliteMemory sqlite_memory() {
  sqlite3_int64 used = 0, used_max = 0, page_cache = 0, ignored = 0;
  sqlite3_status64(SQLITE_STATUS_MEMORY_USED, &used, &used_max, 0);
  // Without SQLITE_CONFIG_PAGECACHE every page is a heap allocation, counted as "overflow".
  sqlite3_status64(SQLITE_STATUS_PAGECACHE_OVERFLOW, &page_cache, &ignored, 0);
  return {used, page_cache, used_max};
}

}  // namespace sahab::collector
