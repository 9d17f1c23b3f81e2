#include "agent/metrics/node_collector.h"

#include <chrono>

#include "agent/metrics/metric_builder.h"
#include "common/log.h"

namespace sahab::agent {

struct NodeCollector::State {
  std::atomic<bool> failing{false};
};

NodeCollector::NodeCollector(std::vector<Entry> collectors)
    : collectors_(std::move(collectors)), states_(new State[collectors_.size()]) {}

NodeCollector::~NodeCollector() = default;

std::vector<prometheus::MetricFamily> NodeCollector::Collect() const {
  std::vector<prometheus::MetricFamily> out;
  out.reserve(collectors_.size() * 4 + 2);
  std::vector<std::pair<std::string, std::pair<double, bool>>> outcomes;
  outcomes.reserve(collectors_.size());

  for (size_t i = 0; i < collectors_.size(); ++i) {
    const Entry& entry = collectors_[i];
    State& state = states_[i];
    const auto start = std::chrono::steady_clock::now();
    MetricFamilies produced;
    bool ok = true;
    try {
      entry.collector->collect(produced);
    } catch (const NoDataError&) {
      ok = false;  // the subsystem is absent here: nothing to say, on every scrape
    } catch (const std::exception& e) {
      ok = false;
      if (!state.failing.exchange(true)) {
        log::error("collector " + entry.name + " failed: " + e.what() +
                   " (logged once until it recovers)");
      }
    }
    if (ok) {
      if (state.failing.exchange(false)) log::info("collector " + entry.name + " recovered");
      std::move(produced.begin(), produced.end(), std::back_inserter(out));
    }
    const std::chrono::duration<double> took = std::chrono::steady_clock::now() - start;
    outcomes.push_back({entry.name, {took.count(), ok}});
  }

  {
    FamilyBuilder duration(out, "node_scrape_collector_duration_seconds",
                           "node_exporter: Duration of a collector scrape.",
                           prometheus::MetricType::Gauge);
    FamilyBuilder success(out, "node_scrape_collector_success",
                          "node_exporter: Whether a collector succeeded.",
                          prometheus::MetricType::Gauge);
    for (const auto& [name, outcome] : outcomes) {
      duration.add({{"collector", name}}, outcome.first);
      success.add({{"collector", name}}, outcome.second ? 1.0 : 0.0);
    }
  }
  return out;
}

}  // namespace sahab::agent
