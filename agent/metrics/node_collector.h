#pragma once
// Runs the enabled collectors on every scrape, like node_exporter's NodeCollector, and reports
// node_scrape_collector_{duration_seconds,success} per collector. One failing collector never
// fails the scrape.
#include <prometheus/collectable.h>

#include <atomic>
#include <memory>
#include <string>
#include <vector>

#include "agent/metrics/collector.h"

namespace sahab::agent {

class NodeCollector : public prometheus::Collectable {
 public:
  struct Entry {
    std::string name;
    std::unique_ptr<Collector> collector;
  };

  explicit NodeCollector(std::vector<Entry> collectors);
  ~NodeCollector() override;

  std::vector<prometheus::MetricFamily> Collect() const override;

 private:
  struct State;
  std::vector<Entry> collectors_;
  std::unique_ptr<State[]> states_;  // per collector, so a failure is logged once, not per scrape
};

}  // namespace sahab::agent
