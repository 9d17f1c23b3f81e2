#pragma once
// The agent's own cost, in Prometheus' conventions: process_cpu_seconds_total,
// process_resident_memory_bytes (and friends) from /proc/self, and
// sahab_agent_sample_duration_seconds, so operators can check the < 0.5% CPU budget.
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "agent/metrics/collector.h"

namespace sahab::agent {

// Reads the real /proc/self (never --path.procfs: that describes the host, not the agent).
class ProcessMetrics : public Collector {
 public:
  void collect(Exposition& out) const override;
};

namespace utilisation {
class SummaryRing;
}

// sahab_agent_summaries_pending and sahab_agent_summaries_dropped_total: how much the collector
// is behind, and whether the ring overflowed while it was unreachable.
class SummaryRingMetrics : public Collector {
 public:
  explicit SummaryRingMetrics(std::shared_ptr<const utilisation::SummaryRing> ring)
      : ring_(std::move(ring)) {}
  void collect(Exposition& out) const override;

 private:
  std::shared_ptr<const utilisation::SummaryRing> ring_;
};

// A histogram of durations in seconds, one series without labels. The agent's own rather than
// prometheus-cpp's Histogram and Registry, so the agent links none of prometheus-cpp's library
// (its data types are header-only): see common/prometheus_text.cpp.
class DurationHistogram : public Collector {
 public:
  DurationHistogram(std::string name, std::string help, std::vector<double> upper_bounds);
  void observe(double seconds);
  void collect(Exposition& out) const override;

 private:
  const std::string name_, help_;
  const std::vector<double> upper_bounds_;
  mutable std::mutex mutex_;
  std::vector<std::uint64_t> counts_;  // per bucket, not cumulative; the last one is +Inf
  double sum_ = 0;
};

struct SelfMetrics {
  std::shared_ptr<DurationHistogram> sample_duration;
};

SelfMetrics make_self_metrics();

}  // namespace sahab::agent
