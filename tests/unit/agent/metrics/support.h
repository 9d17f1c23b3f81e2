#pragma once
// Helpers for collector tests: run a collector on a fixture tree and look up samples.
#include <doctest/doctest.h>
#include <unistd.h>

#include <fstream>
#include <optional>
#include <string>

#include "agent/metrics/collector.h"
#include "unit/temp_dir.h"

namespace sahab::agent::testing {

inline Paths fixture_paths(const std::string& tree = "default") {
  const std::filesystem::path base = std::filesystem::path(SAHAB_FIXTURES_DIR) / "agent" / tree;
  return Paths{base / "proc", base / "sys", base / "root"};
}

inline MetricFamilies collect(const Collector& collector) {
  MetricFamilies out;
  collector.collect(out);
  return out;
}

inline const prometheus::MetricFamily* find_family(const MetricFamilies& families,
                                                   const std::string& name) {
  for (const auto& f : families) {
    if (f.name == name) return &f;
  }
  return nullptr;
}

// The value of the sample of `name` whose labels include all of `labels`.
inline std::optional<double> value_of(
    const MetricFamilies& families, const std::string& name,
    const std::vector<std::pair<std::string, std::string>>& labels = {}) {
  const auto* family = find_family(families, name);
  if (!family) return std::nullopt;
  for (const auto& metric : family->metric) {
    bool all = true;
    for (const auto& [k, v] : labels) {
      bool found = false;
      for (const auto& l : metric.label) found = found || (l.name == k && l.value == v);
      all = all && found;
    }
    if (!all) continue;
    switch (family->type) {
      case prometheus::MetricType::Counter:
        return metric.counter.value;
      case prometheus::MetricType::Gauge:
        return metric.gauge.value;
      default:
        return metric.untyped.value;
    }
  }
  return std::nullopt;
}

using sahab::testing::TempDir;

}  // namespace sahab::agent::testing

namespace sahab::agent::testing {

// A fixture tree of its own under /tmp (proc/, sys/, root/), for inputs too big or too odd to
// keep in tests/fixtures; removed when the test ends.
struct TempTree {
  TempDir dir;
  const std::filesystem::path& base = dir.path();
  TempTree() {
    for (const char* sub : {"proc/net", "sys", "root"})
      std::filesystem::create_directories(base / sub);
  }
  Paths paths() const { return Paths{base / "proc", base / "sys", base / "root"}; }
  void write(const std::string& relative, const std::string& content) const {
    std::filesystem::create_directories((base / relative).parent_path());
    std::ofstream(base / relative) << content;
  }
};

}  // namespace sahab::agent::testing
