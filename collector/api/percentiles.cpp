#include "collector/api/percentiles.h"

#include <algorithm>

namespace sahab::collector {

double expected_summaries(const CollectorConfig& config, std::int64_t seconds) {
  const double interval = static_cast<double>(config.report_interval.count()) / 1000.0;
  return std::max(1.0, static_cast<double>(seconds) / interval);
}

nlohmann::json stats_json(const WindowStats& stats, double expected) {
  nlohmann::json out = {
      {"count", stats.sketch.count()},
      {"summaries", stats.summaries},
      {"coverage", std::min(1.0, static_cast<double>(stats.summaries) / expected)}};
  if (stats.empty()) return out;
  out["mean"] = stats.sum / static_cast<double>(stats.sketch.count());
  for (const auto& [name, q] :
       {std::pair{"p50", 0.50}, {"p90", 0.90}, {"p95", 0.95}, {"p99", 0.99}}) {
    out[name] = *stats.sketch.quantile(q);
  }
  // The exact maximum is stored with each summary; the sketch's top bucket is only within 1%.
  out["max"] = stats.max;
  return out;
}

}  // namespace sahab::collector
