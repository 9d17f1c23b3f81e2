#include "agent/self_metrics.h"

#include <algorithm>

#include "agent/metrics/metric_builder.h"
#include "agent/utilisation/summary.h"

namespace sahab::agent {

void SummaryRingMetrics::collect(Exposition& out) const {
  add_gauge(out, "sahab_agent_summaries_pending", "Utilisation summaries not yet acknowledged.",
            static_cast<double>(ring_->size()));
  add_counter(out, "sahab_agent_summaries_dropped_total",
              "Utilisation summaries dropped because the ring was full.",
              static_cast<double>(ring_->dropped()));
}

DurationHistogram::DurationHistogram(std::string name, std::string help,
                                     std::vector<double> upper_bounds)
    : name_(std::move(name)),
      help_(std::move(help)),
      upper_bounds_(std::move(upper_bounds)),
      counts_(upper_bounds_.size() + 1, 0) {}

void DurationHistogram::observe(double seconds) {
  const auto bucket = std::lower_bound(upper_bounds_.begin(), upper_bounds_.end(), seconds);
  const std::lock_guard lock(mutex_);
  ++counts_[static_cast<std::size_t>(bucket - upper_bounds_.begin())];
  sum_ += seconds;
}

void DurationHistogram::collect(Exposition& out) const {
  prometheus::ClientMetric metric;
  {
    const std::lock_guard lock(mutex_);
    std::uint64_t cumulative = 0;
    for (std::size_t i = 0; i < upper_bounds_.size(); ++i) {
      cumulative += counts_[i];
      metric.histogram.bucket.push_back({cumulative, upper_bounds_[i]});
    }
    metric.histogram.sample_count = cumulative + counts_.back();
    metric.histogram.sample_sum = sum_;
  }
  out.family({name_, help_, prometheus::MetricType::Histogram, {std::move(metric)}});
}

SelfMetrics make_self_metrics() {
  return {std::make_shared<DurationHistogram>(
      "sahab_agent_sample_duration_seconds",
      "Time taken by one utilisation sample (readings and connection table).",
      std::vector<double>{0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1})};
}

}  // namespace sahab::agent
