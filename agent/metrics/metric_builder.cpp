#include "agent/metrics/metric_builder.h"

namespace sahab::agent {

FamilyBuilder::FamilyBuilder(std::vector<prometheus::MetricFamily>& out, std::string name,
                             std::string help, prometheus::MetricType type)
    : out_(out) {
  family_.name = std::move(name);
  family_.help = std::move(help);
  family_.type = type;
}

// Families without samples are left out, as node_exporter does.
FamilyBuilder::~FamilyBuilder() {
  if (!family_.metric.empty()) out_.push_back(std::move(family_));
}

FamilyBuilder& FamilyBuilder::add(Labels labels, double value) {
  prometheus::ClientMetric metric;
  metric.label = std::move(labels);
  switch (family_.type) {
    case prometheus::MetricType::Counter: metric.counter.value = value; break;
    case prometheus::MetricType::Gauge: metric.gauge.value = value; break;
    default: metric.untyped.value = value; break;
  }
  family_.metric.push_back(std::move(metric));
  return *this;
}

void add_gauge(std::vector<prometheus::MetricFamily>& out, std::string name, std::string help,
               double value) {
  FamilyBuilder(out, std::move(name), std::move(help), prometheus::MetricType::Gauge)
      .add({}, value);
}

void add_counter(std::vector<prometheus::MetricFamily>& out, std::string name, std::string help,
                 double value) {
  FamilyBuilder(out, std::move(name), std::move(help), prometheus::MetricType::Counter)
      .add({}, value);
}

}  // namespace sahab::agent
