#pragma once
// Runs the enabled collectors on every scrape, like node_exporter's NodeCollector, and reports
// node_scrape_collector_{duration_seconds,success} per collector. One failing collector never
// fails the scrape. Collectors run side by side on a few threads, as node_exporter runs them in
// goroutines; their families are put together in the collectors' order, so the answer is the
// same whichever finished first.
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

  // `threads`: how many threads collect a scrape, the caller's included (1: one after the other).
  NodeCollector(std::vector<Entry> collectors, unsigned threads = default_threads());
  ~NodeCollector() override;

  std::vector<prometheus::MetricFamily> Collect() const override;

  // One per CPU, at most 4: most of a scrape is system calls reading /proc and /sys, which run
  // in parallel on as many CPUs; more threads would only cost their stacks.
  static unsigned default_threads();

 private:
  struct State;
  struct Outcome;
  class Helpers;
  Outcome run(size_t index) const;

  std::vector<Entry> collectors_;
  std::unique_ptr<State[]> states_;  // per collector, so a failure is logged once, not per scrape
  std::unique_ptr<Helpers> helpers_;
};

}  // namespace sahab::agent
