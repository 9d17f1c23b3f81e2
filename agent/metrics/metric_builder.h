#pragma once
// Writes families to an Exposition tersely:
//   FamilyBuilder(out, "node_load1", "1m load average.", Type::Gauge).add({}, 0.5);
#include <prometheus/metric_family.h>

#include <initializer_list>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "agent/metrics/collector.h"

namespace sahab::agent {

// A label borrowed for the time of one add(): {{"cpu", name}, {"mode", "idle"}}.
struct LabelRef {
  std::string_view name;
  std::string_view value;
};
// Labels a collector builds and keeps (prometheus-cpp's pair of strings).
using Labels = std::vector<prometheus::ClientMetric::Label>;

// One family: its HELP and TYPE lines, then a line per add(). Written straight into the scrape's
// text when no other builder is doing so, else aside and moved there when it goes out of scope.
// A family without samples leaves nothing, as node_exporter.
class FamilyBuilder {
 public:
  FamilyBuilder(Exposition& out, std::string_view name, std::string_view help,
                prometheus::MetricType type);
  FamilyBuilder(const FamilyBuilder&) = delete;
  FamilyBuilder& operator=(const FamilyBuilder&) = delete;
  ~FamilyBuilder();

  FamilyBuilder& add(std::initializer_list<LabelRef> labels, double value);
  FamilyBuilder& add(const Labels& labels, double value);

 private:
  std::string& lines() { return direct_ ? out_.text_ : own_; }
  template <typename LabelRange>
  FamilyBuilder& add_line(const LabelRange& labels, double value);

  static constexpr std::size_t kAsideCapacity = 512;

  Exposition& out_;
  std::string own_;  // the family, while another builder writes straight into the text
  bool direct_;
  bool has_samples_ = false;
  std::size_t start_;    // where the family begins in lines()
  std::size_t name_at_;  // its name, in its TYPE line, copied at the head of each sample
  std::size_t name_size_;
};

// Families created on first use, for collectors whose metric names come from the data (hwmon
// sensors, power supply properties); written to `out`, sorted by name, when the set goes.
class FamilySet {
 public:
  explicit FamilySet(Exposition& out) : out_(out) {}
  FamilySet(const FamilySet&) = delete;
  FamilySet& operator=(const FamilySet&) = delete;
  ~FamilySet();

  // The first sample of a family sets its help and type.
  void add(const std::string& name, const std::string& help, const Labels& labels, double value,
           prometheus::MetricType type = prometheus::MetricType::Gauge);

 private:
  Exposition& out_;
  std::map<std::string, prometheus::MetricFamily> families_;
};

// Shorthand for a family with a single unlabelled sample.
void add_gauge(Exposition& out, std::string_view name, std::string_view help, double value);
void add_counter(Exposition& out, std::string_view name, std::string_view help, double value);

}  // namespace sahab::agent
