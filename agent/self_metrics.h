#pragma once
// The agent's own cost, in Prometheus' conventions: process_cpu_seconds_total,
// process_resident_memory_bytes (and friends) from /proc/self, and the registry holding
// sahab_agent_sample_duration_seconds, so operators can check the < 0.5% CPU budget.
#include <prometheus/collectable.h>
#include <prometheus/histogram.h>
#include <prometheus/registry.h>

#include <memory>

namespace sahab::agent {

// Reads the real /proc/self (never --path.procfs: that describes the host, not the agent).
class ProcessMetrics : public prometheus::Collectable {
 public:
  std::vector<prometheus::MetricFamily> Collect() const override;
};

namespace utilisation {
class SummaryRing;
}

// sahab_agent_summaries_pending and sahab_agent_summaries_dropped_total: how much the collector
// is behind, and whether the ring overflowed while it was unreachable.
class SummaryRingMetrics : public prometheus::Collectable {
 public:
  explicit SummaryRingMetrics(std::shared_ptr<const utilisation::SummaryRing> ring)
      : ring_(std::move(ring)) {}
  std::vector<prometheus::MetricFamily> Collect() const override;

 private:
  std::shared_ptr<const utilisation::SummaryRing> ring_;
};

struct SelfMetrics {
  std::shared_ptr<prometheus::Registry> registry = std::make_shared<prometheus::Registry>();
  prometheus::Histogram* sample_duration = nullptr;
};

SelfMetrics make_self_metrics();

}  // namespace sahab::agent
