#pragma once
// Builds prometheus::MetricFamily values tersely:
//   FamilyBuilder(out, "node_load1", "1m load average.", Type::Gauge).add({}, 0.5);
#include <prometheus/metric_family.h>

#include <initializer_list>
#include <map>
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
  // Stores `value` where a metric of `type` keeps it.
  static void set_value(prometheus::ClientMetric& metric, prometheus::MetricType type,
                        double value);

 private:
  std::vector<prometheus::MetricFamily>& out_;
  prometheus::MetricFamily family_;
};

// Families created on first use, for collectors whose metric names come from the data (hwmon
// sensors, power supply properties); added to `out`, sorted by name, when the set goes.
class FamilySet {
 public:
  explicit FamilySet(std::vector<prometheus::MetricFamily>& out) : out_(out) {}
  FamilySet(const FamilySet&) = delete;
  FamilySet& operator=(const FamilySet&) = delete;
  ~FamilySet();

  // The first sample of a family sets its help and type.
  void add(const std::string& name, const std::string& help, Labels labels, double value,
           prometheus::MetricType type = prometheus::MetricType::Gauge);

 private:
  std::vector<prometheus::MetricFamily>& out_;
  std::map<std::string, prometheus::MetricFamily> families_;
};

// Shorthand for a family with a single unlabelled sample.
void add_gauge(std::vector<prometheus::MetricFamily>& out, std::string name, std::string help,
               double value);
void add_counter(std::vector<prometheus::MetricFamily>& out, std::string name, std::string help,
                 double value);

}  // namespace sahab::agent
