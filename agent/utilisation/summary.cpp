#include "agent/utilisation/summary.h"

#include <algorithm>

#include "agent/inventory/inventory.h"
#include "common/protocol/report.h"
#include "common/timestamp.h"

namespace sahab::agent::utilisation {

void MetricSummary::add(double value) {
  max = count == 0 ? value : std::max(max, value);
  ++count;
  sum += value;
  sketch.add(value);
}

void Summary::add_sample(const std::map<std::string, double>& sample) {
  ++samples;
  for (const auto& [name, value] : sample) metrics[name].add(value);
}

nlohmann::json Summary::to_json() const {
  namespace f = protocol::report::summary;
  namespace m = protocol::report::metric_summary;
  nlohmann::json by_metric = nlohmann::json::object();
  for (const auto& [name, summary] : metrics) {
    by_metric[name] = {{m::kCount.name, summary.count},
                       {m::kMean.name, summary.mean()},
                       {m::kMax.name, summary.max},
                       {m::kSketch.name, summary.sketch.to_json()}};
  }
  return {{f::kSequence.name, sequence},
          {f::kStart.name, format_rfc3339(start)},
          {f::kEnd.name, format_rfc3339(end)},
          {f::kSamples.name, samples},
          {f::kMetrics.name, std::move(by_metric)}};
}

std::uint64_t SummaryRing::push(Summary summary) {
  std::lock_guard lock(mutex_);
  summary.sequence = next_sequence_++;
  if (capacity_ == 0) {
    ++dropped_;
    return summary.sequence;
  }
  while (summaries_.size() >= capacity_) {
    summaries_.pop_front();
    ++dropped_;
  }
  summaries_.push_back(std::move(summary));
  return summaries_.back().sequence;
}

std::vector<Summary> SummaryRing::pending() const {
  std::lock_guard lock(mutex_);
  return {summaries_.begin(), summaries_.end()};
}

void SummaryRing::acknowledge(std::uint64_t up_to) {
  std::lock_guard lock(mutex_);
  while (!summaries_.empty() && summaries_.front().sequence <= up_to) summaries_.pop_front();
}

std::size_t SummaryRing::size() const {
  std::lock_guard lock(mutex_);
  return summaries_.size();
}

std::uint64_t SummaryRing::dropped() const {
  std::lock_guard lock(mutex_);
  return dropped_;
}

nlohmann::json SummaryRing::pending_json() const {
  nlohmann::json summaries = nlohmann::json::array();
  for (const auto& summary : pending()) summaries.push_back(summary.to_json());
  return summaries;
}

nlohmann::json SummaryRing::hand_over() {
  const auto summaries = pending();
  nlohmann::json out = nlohmann::json::array();
  for (const auto& summary : summaries) out.push_back(summary.to_json());
  if (!summaries.empty()) acknowledge(summaries.back().sequence);
  return out;
}

}  // namespace sahab::agent::utilisation
