#pragma once
// Utilisation summaries and batches as an agent sends them, for the store's unit tests.
#include <algorithm>
#include <cstdint>
#include <string>
#include <vector>

#include "collector/ingest/document.h"

namespace sahab::testing {

// One cpu_ratio summary of `values` over the minute that starts at `start`.
inline collector::Summary cpu_summary(std::int64_t start,
                                      const std::vector<double>& values = {0.5}) {
  collector::Summary s;
  s.start = start;
  s.end = start + 60;
  collector::MetricSummary m;
  m.metric = "cpu_ratio";
  for (double v : values) {
    m.sketch.add(v);
    m.mean += v / static_cast<double>(values.size());
    m.max = std::max(m.max, v);
  }
  m.count = static_cast<std::int64_t>(values.size());
  s.metrics.push_back(m);
  return s;
}

// A batch of `host` holding that one summary and nothing else.
inline collector::Batch summary_batch(const std::string& host, std::int64_t sequence,
                                      std::int64_t start,
                                      const std::vector<double>& values = {0.5}) {
  collector::Batch b;
  b.host_id = host;
  b.sequence = sequence;
  b.summaries.push_back(cpu_summary(start, values));
  return b;
}

}  // namespace sahab::testing
