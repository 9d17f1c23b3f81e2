#pragma once
// Builds prometheus::MetricFamily values tersely:
//   FamilyBuilder(out, "node_load1", "1m load average.", Type::Gauge).add({}, 0.5);
#include <prometheus/metric_family.h>

#include <initializer_list>
#include <string>
#include <utility>
#include <vector>

namespace sahab::agent {

using Labels = std::vector<prometheus::ClientMetric::Label>;

class FamilyBuilder {
 public:
  FamilyBuilder(std::vector<prometheus::MetricFamily>& out, std::string name, std::string help,
                prometheus::MetricType type);
  FamilyBuilder(const FamilyBuilder&) = delete;
  FamilyBuilder& operator=(const FamilyBuilder&) = delete;
  ~FamilyBuilder();

  FamilyBuilder& add(Labels labels, double value);

 private:
  std::vector<prometheus::MetricFamily>& out_;
  prometheus::MetricFamily family_;
};

// Shorthand for a family with a single unlabelled sample.
void add_gauge(std::vector<prometheus::MetricFamily>& out, std::string name, std::string help,
               double value);
void add_counter(std::vector<prometheus::MetricFamily>& out, std::string name, std::string help,
                 double value);

}  // namespace sahab::agent
