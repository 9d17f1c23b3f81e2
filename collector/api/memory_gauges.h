#pragma once
// sahab_collector_sqlite_memory_bytes and sahab_collector_malloc_bytes, read at each scrape: the
// parts of the collector's memory, so that a soak can tell what grows when its RSS does
// (bench/soak.sh samples them with the RSS; docs/prometheus-grafana.md).
#include <prometheus/collectable.h>
#include <prometheus/metric_family.h>

#include <vector>

namespace sahab::collector {

class MemoryGauges : public prometheus::Collectable {
 public:
  std::vector<prometheus::MetricFamily> Collect() const override;
};

}  // namespace sahab::collector
