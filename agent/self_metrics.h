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

struct SelfMetrics {
  std::shared_ptr<prometheus::Registry> registry = std::make_shared<prometheus::Registry>();
  prometheus::Histogram* sample_duration = nullptr;
};

SelfMetrics make_self_metrics();

}  // namespace sahab::agent
