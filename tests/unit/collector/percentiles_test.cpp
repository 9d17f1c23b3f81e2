// collector/api/percentiles: the p50/p90/p95/p99/max, mean and coverage the API answers for a
// window of utilisation.
#include "collector/api/percentiles.h"

#include <doctest/doctest.h>

#include <algorithm>
#include <random>
#include <vector>

using namespace sahab;
using namespace sahab::collector;
using nlohmann::json;

namespace {

CollectorConfig with_interval(std::chrono::milliseconds interval) {
  CollectorConfig config;
  config.report_interval = interval;
  return config;
}

WindowStats stats_of(const std::vector<double>& values, std::int64_t summaries) {
  WindowStats stats;
  for (const double v : values) {
    stats.sketch.add(v);
    stats.sum += v;
    stats.max = std::max(stats.max, v);
  }
  stats.summaries = summaries;
  return stats;
}

}  // namespace

TEST_CASE("percentiles: expected summaries are the window over the report interval, at least 1") {
  const auto minute = with_interval(std::chrono::seconds(60));
  CHECK(expected_summaries(minute, 3600) == 60);
  CHECK(expected_summaries(minute, 30 * 86'400) == 43'200);
  CHECK(expected_summaries(minute, 90) == 1.5);
  CHECK(expected_summaries(minute, 30) == 1);  // never below one: no division by a fraction
  CHECK(expected_summaries(minute, 0) == 1);
  CHECK(expected_summaries(minute, -3600) == 1);
  CHECK(expected_summaries(with_interval(std::chrono::seconds(10)), 3600) == 360);
  CHECK(expected_summaries(with_interval(std::chrono::milliseconds(2500)), 10) == 4);
}

TEST_CASE("percentiles: an empty window has only its counts and coverage") {
  const json empty = stats_json(WindowStats{}, 60);
  CHECK(empty == json{{"count", 0}, {"summaries", 0}, {"coverage", 0.0}});
  // Summaries that held no samples still count towards coverage.
  WindowStats no_samples;
  no_samples.summaries = 15;
  const json out = stats_json(no_samples, 60);
  CHECK(out.size() == 3);
  CHECK(out["coverage"] == 0.25);
  CHECK_FALSE(out.contains("p95"));
  CHECK_FALSE(out.contains("mean"));
}

TEST_CASE("percentiles: quantiles within the sketch's error, exact mean and max, capped coverage") {
  std::mt19937 rng(7);
  std::uniform_real_distribution<double> dist(0.01, 1.0);
  std::vector<double> values(5000);
  for (auto& v : values) v = dist(rng);
  const WindowStats stats = stats_of(values, 30);
  const json out = stats_json(stats, 60);
  CHECK(out["count"] == 5000);
  CHECK(out["summaries"] == 30);
  CHECK(out["coverage"] == 0.5);
  std::sort(values.begin(), values.end());
  double sum = 0;
  for (const double v : values) sum += v;
  CHECK(out["mean"].get<double>() == doctest::Approx(sum / 5000));
  CHECK(out["max"].get<double>() == values.back());  // the stored maximum, not a bucket's
  for (const auto& [name, q] :
       {std::pair{"p50", 0.50}, {"p90", 0.90}, {"p95", 0.95}, {"p99", 0.99}}) {
    CAPTURE(name);
    const double exact = values[static_cast<std::size_t>(q * (values.size() - 1))];
    CHECK(std::abs(out[name].get<double>() - exact) <= Sketch::kRelativeError * exact * 1.0001);
  }
  CHECK(out["p50"] < out["p90"]);
  CHECK(out["p90"] < out["p95"]);
  CHECK(out["p95"] < out["p99"]);

  // More summaries than expected (agents on a shorter interval): coverage stays at 1.
  CHECK(stats_json(stats_of({0.5}, 120), 60)["coverage"] == 1.0);
}

TEST_CASE("percentiles: one sample is every percentile") {
  const json out = stats_json(stats_of({0.42}, 1), 1);
  CHECK(out["mean"].get<double>() == doctest::Approx(0.42));
  CHECK(out["max"] == 0.42);
  for (const char* name : {"p50", "p90", "p95", "p99"}) {
    CHECK(out[name].get<double>() == doctest::Approx(0.42).epsilon(Sketch::kRelativeError));
  }
  CHECK(out["coverage"] == 1.0);
}
