#pragma once
// Percentile summaries (p50/p90/p95/p99/max, mean, coverage) of a window of stored utilisation.
#include <array>
#include <nlohmann/json.hpp>

#include "collector/config.h"
#include "collector/store/utilisation.h"
#include "common/protocol/fleet.h"

namespace sahab::collector {

// Summaries the agents should have sent over `seconds` at their report interval.
double expected_summaries(const CollectorConfig& config, std::int64_t seconds);

// The percentiles of a window holding data, in protocol::kPercentileNames' order (p50, p90, p95,
// p99, max).
std::array<double, protocol::kPercentileNames.size()> percentiles_of(const WindowStats& stats);

// {"count", "summaries", "coverage", "mean", "p50", "p90", "p95", "p99", "max"}; only counts
// and coverage when the window holds no data.
nlohmann::json stats_json(const WindowStats& stats, double expected_summaries);

}  // namespace sahab::collector
