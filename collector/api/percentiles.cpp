#include "collector/api/percentiles.h"

#include <algorithm>

namespace sahab::collector {

double expected_summaries(const CollectorConfig& config, std::int64_t seconds) {
  const double interval = static_cast<double>(config.report_interval.count()) / 1000.0;
  return std::max(1.0, static_cast<double>(seconds) / interval);
}

std::array<double, protocol::kPercentileNames.size()> percentiles_of(const WindowStats& stats) {
  // The exact maximum is stored with each summary; the sketch's top bucket is only within 1%.
  return {*stats.sketch.quantile(0.50), *stats.sketch.quantile(0.90), *stats.sketch.quantile(0.95),
          *stats.sketch.quantile(0.99), stats.max};
}

nlohmann::json stats_json(const WindowStats& stats, double expected) {
  nlohmann::json out = {
      {"count", stats.sketch.count()},
      {"summaries", stats.summaries},
      {"coverage", std::min(1.0, static_cast<double>(stats.summaries) / expected)}};
  if (stats.empty()) return out;
  out["mean"] = stats.sum / static_cast<double>(stats.sketch.count());
  const auto values = percentiles_of(stats);
  for (std::size_t i = 0; i < values.size(); ++i) out[protocol::kPercentileNames[i]] = values[i];
  return out;
}

}  // namespace sahab::collector
