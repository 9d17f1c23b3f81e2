#pragma once
// Utilisation summaries: per report interval, count/mean/max and a mergeable sketch per metric
// (docs/agent-report-format.md), kept in a bounded ring until the collector acknowledges them.
#include <cstdint>
#include <deque>
#include <map>
#include <mutex>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "common/sketch.h"

namespace sahab::agent::utilisation {

struct MetricSummary {
  std::uint64_t count = 0;
  double sum = 0;
  double max = 0;
  Sketch sketch;

  void add(double value);
  double mean() const { return count ? sum / static_cast<double>(count) : 0.0; }
};

struct Summary {
  std::uint64_t sequence = 0;  // assigned by the ring, strictly increasing from 1
  std::int64_t start = 0;      // unix seconds
  std::int64_t end = 0;
  std::uint64_t samples = 0;
  std::map<std::string, MetricSummary> metrics;

  void add_sample(const std::map<std::string, double>& sample);
  nlohmann::json to_json() const;
};

// The most recent summaries, oldest first; the oldest are dropped (and counted) when full.
class SummaryRing {
 public:
  explicit SummaryRing(std::size_t capacity) : capacity_(capacity) {}

  std::uint64_t push(Summary summary);  // returns the sequence it was given
  // Summaries not yet acknowledged, oldest first.
  std::vector<Summary> pending() const;
  // Forgets every summary whose sequence is <= up_to (the collector has stored them).
  void acknowledge(std::uint64_t up_to);
  std::size_t size() const;
  std::uint64_t dropped() const;

  // The pending summaries as a JSON array, oldest first (GET /utilisation).
  nlohmann::json pending_json() const;
  // The same, acknowledged at once: for a report, which the spool keeps from then on.
  nlohmann::json hand_over();

 private:
  std::size_t capacity_;
  mutable std::mutex mutex_;
  std::deque<Summary> summaries_;
  std::uint64_t next_sequence_ = 1;
  std::uint64_t dropped_ = 0;
};

}  // namespace sahab::agent::utilisation
