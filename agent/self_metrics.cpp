#include "agent/self_metrics.h"

#include <unistd.h>

#include <algorithm>

#include "agent/metrics/metric_builder.h"
#include "agent/metrics/pseudo_files.h"
#include "agent/utilisation/summary.h"
#include "common/file.h"
#include "common/text.h"

namespace sahab::agent {

std::vector<prometheus::MetricFamily> ProcessMetrics::Collect() const {
  std::vector<prometheus::MetricFamily> out;
  const auto stat = try_read_pseudo_file("/proc/self/stat");
  if (!stat) return out;
  // Fields after the command name, which is in parentheses and may contain spaces.
  const auto close = stat->rfind(')');
  if (close == std::string::npos) return out;
  const auto f = text::fields(std::string_view(*stat).substr(close + 1));
  // f[0] is field 3 (state): utime is field 14, stime 15, starttime 22, rss 24 (pages).
  if (f.size() < 22) return out;
  const double ticks = static_cast<double>(::sysconf(_SC_CLK_TCK));
  const double utime = static_cast<double>(text::to_u64(f[11]).value_or(0));
  const double stime = static_cast<double>(text::to_u64(f[12]).value_or(0));
  const double rss_pages = static_cast<double>(text::to_u64(f[21]).value_or(0));
  add_counter(out, "process_cpu_seconds_total", "Total user and system CPU time spent in seconds.",
              (utime + stime) / ticks);
  add_gauge(out, "process_resident_memory_bytes", "Resident memory size in bytes.",
            rss_pages * static_cast<double>(::sysconf(_SC_PAGESIZE)));
  const double vsize = static_cast<double>(text::to_u64(f[20]).value_or(0));
  add_gauge(out, "process_virtual_memory_bytes", "Virtual memory size in bytes.", vsize);
  return out;
}

std::vector<prometheus::MetricFamily> SummaryRingMetrics::Collect() const {
  std::vector<prometheus::MetricFamily> out;
  add_gauge(out, "sahab_agent_summaries_pending", "Utilisation summaries not yet acknowledged.",
            static_cast<double>(ring_->size()));
  add_counter(out, "sahab_agent_summaries_dropped_total",
              "Utilisation summaries dropped because the ring was full.",
              static_cast<double>(ring_->dropped()));
  return out;
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

std::vector<prometheus::MetricFamily> DurationHistogram::Collect() const {
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
  return {{name_, help_, prometheus::MetricType::Histogram, {std::move(metric)}}};
}

SelfMetrics make_self_metrics() {
  return {std::make_shared<DurationHistogram>(
      "sahab_agent_sample_duration_seconds",
      "Time taken by one utilisation sample (readings and connection table).",
      std::vector<double>{0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1})};
}

}  // namespace sahab::agent
