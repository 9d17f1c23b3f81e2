#pragma once
// sahab_collector_sqlite_memory_bytes, sahab_collector_malloc_bytes and
// sahab_collector_malloc_arenas, read at each scrape: the parts of the collector's memory, so that
// a soak can tell what grows when its RSS does (bench/soak.sh samples them with the RSS; api.md).
#include <prometheus/collectable.h>
#include <prometheus/metric_family.h>

#include <vector>

namespace sahab::collector {

// How many malloc arenas the process has (glibc's malloc_info).
int malloc_arenas();

class MemoryGauges : public prometheus::Collectable {
 public:
  std::vector<prometheus::MetricFamily> Collect() const override;
};

}  // namespace sahab::collector
