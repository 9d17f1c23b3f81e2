#include "collector/api/memory_gauges.h"

#include <malloc.h>

#include <cstdio>
#include <cstdlib>
#include <initializer_list>
#include <string>
#include <string_view>
#include <utility>

#include "collector/api/gauge_family.h"
#include "collector/store/sqlite_memory.h"

namespace sahab::collector {
using prometheus::MetricFamily;

int malloc_arenas() {
  // malloc_info's XML has one <heap nr="N"> per arena; it is the only place glibc says how many.
  char* text = nullptr;
  size_t size = 0;
  FILE* stream = open_memstream(&text, &size);
  if (!stream) return 0;
  malloc_info(0, stream);
  std::fclose(stream);
  int arenas = 0;
  const std::string_view xml(text, size);
  for (size_t at = xml.find("<heap nr="); at != std::string_view::npos;
       at = xml.find("<heap nr=", at + 1)) {
    ++arenas;
  }
  std::free(text);
  return arenas;
}

namespace {

// A family of byte gauges told apart by a `kind` label.
MetricFamily kinds_family(std::string name, std::string help,
                          std::initializer_list<std::pair<const char*, double>> kinds) {
  MetricFamily family = gauge_family(std::move(name), std::move(help));
  for (const auto& [kind, bytes] : kinds) add_gauge(family, {{"kind", kind}}, bytes);
  return family;
}

}  // namespace

std::vector<MetricFamily> MemoryGauges::Collect() const {
  std::vector<MetricFamily> out;
  const SqliteMemory sqlite = sqlite_memory();
  out.push_back(kinds_family("sahab_collector_sqlite_memory_bytes",
                             "Memory SQLite holds, all connections together: used (all of it), "
                             "page_cache (part of used), used_max (the highest used).",
                             {{"used", static_cast<double>(sqlite.used)},
                              {"page_cache", static_cast<double>(sqlite.page_cache)},
                              {"used_max", static_cast<double>(sqlite.used_max)}}));
  // mallinfo2 adds up every arena. Its in_use and free are what malloc's heaps hold (RSS counts
  // only the touched part of free); mmapped are the large blocks malloc maps one by one.
  const struct mallinfo2 info = mallinfo2();
  out.push_back(kinds_family("sahab_collector_malloc_bytes",
                             "glibc malloc, all arenas (mallinfo2): in_use, free (held by the "
                             "heaps, not given back), mmapped (large blocks mapped one by one).",
                             {{"in_use", static_cast<double>(info.uordblks)},
                              {"free", static_cast<double>(info.fordblks)},
                              {"mmapped", static_cast<double>(info.hblkhd)}}));
  out.push_back(gauge_family("sahab_collector_malloc_arenas",
                             "glibc malloc arenas in use (capped at start, see main.cpp)."));
  add_gauge(out.back(), {}, static_cast<double>(malloc_arenas()));
  return out;
}

}  // namespace sahab::collector
