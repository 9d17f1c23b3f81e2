#pragma once
// Runs the enabled collectors on every scrape, like node_exporter's NodeCollector, and reports
// node_scrape_collector_{duration_seconds,success} per collector. One failing collector never
// fails the scrape. Collectors run side by side on a few threads, as node_exporter runs them in
// goroutines; their text is put together in the collectors' order, so the answer is the same
// whichever finished first.
#include <atomic>
#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include "agent/metrics/collector.h"

namespace sahab::agent {

class NodeCollector {
 public:
  struct Entry {
    std::string name;
    std::unique_ptr<Collector> collector;
  };

  // A collector that found its subsystem absent (no ZFS, no NFS, no cpufreq: no_data(),
  // NoDataError or found_nothing()) is asked again after this long, not at every scrape: on a
  // machine without those subsystems their probes were ~20 failed path lookups per scrape, 2-9 us
  // each (docs/benchmarks.md, session 13). Meanwhile it reports the success it reported then;
  // a subsystem that appears shows within this time.
  static constexpr std::chrono::seconds kAbsentRecheck{60};

  // `threads`: how many threads collect a scrape, the caller's included (1: one after the other).
  NodeCollector(std::vector<Entry> collectors, unsigned threads = default_threads(),
                std::chrono::steady_clock::duration absent_recheck = kAbsentRecheck);
  ~NodeCollector();
  NodeCollector(const NodeCollector&) = delete;
  NodeCollector& operator=(const NodeCollector&) = delete;

  // Appends the scrape, in the Prometheus text format, to `text`.
  void write(std::string& text) const;

  // One per two CPUs, at most 4. The threads share glibc's one malloc arena (agent/main.cpp)
  // and hand the scrape to each other: on 2 CPUs, once /proc and /sys files were read through
  // kept descriptors, one thread answered faster than two (medians 1.0-1.27 ms against
  // 1.12-1.47, half the CPU per scrape, docs/benchmarks.md), and a thread fewer is ~0.1 MiB less.
  static unsigned default_threads();

 private:
  struct State;
  struct Outcome;
  class Helpers;
  Outcome run(size_t index) const;

  std::vector<Entry> collectors_;
  std::chrono::steady_clock::duration absent_recheck_;
  std::unique_ptr<State[]> states_;  // per collector, so a failure is logged once, not per scrape
  std::unique_ptr<Helpers> helpers_;
};

}  // namespace sahab::agent
