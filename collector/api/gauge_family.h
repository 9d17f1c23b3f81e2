#pragma once
// Gauges built at scrape time by the collector's metric sources (telemetry.cpp,
// migration_telemetry.cpp): a family, and one gauge of it.
#include <prometheus/metric_family.h>

#include <string>
#include <vector>

namespace sahab::collector {

prometheus::MetricFamily gauge_family(std::string name, std::string help);
void add_gauge(prometheus::MetricFamily& family,
               std::vector<prometheus::ClientMetric::Label> labels, double value);

}  // namespace sahab::collector
