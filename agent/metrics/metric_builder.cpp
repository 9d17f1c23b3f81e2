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
  prometheus::ClientMetric& metric = family_.metric.emplace_back();
  metric.label = std::move(labels);
  set_value(metric, family_.type, value);
  return *this;
}

void FamilyBuilder::set_value(prometheus::ClientMetric& metric, prometheus::MetricType type,
                              double value) {
  switch (type) {
    case prometheus::MetricType::Counter:
      metric.counter.value = value;
      break;
    case prometheus::MetricType::Gauge:
      metric.gauge.value = value;
      break;
    default:
      metric.untyped.value = value;
      break;
  }
}

FamilySet::~FamilySet() {
  for (auto& [name, family] : families_) out_.push_back(std::move(family));
}

void FamilySet::add(const std::string& name, const std::string& help, Labels labels, double value,
                    prometheus::MetricType type) {
  auto [it, added] = families_.try_emplace(name);
  if (added) it->second = {name, help, type, {}};
  FamilyBuilder::set_value(it->second.metric.emplace_back(), type, value);
  it->second.metric.back().label = std::move(labels);
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
