#pragma once
// Helpers for collector tests: run a collector on a fixture tree and look up samples.
#include <doctest/doctest.h>
#include <unistd.h>

#include <fstream>
#include <optional>
#include <string>

#include "agent/collector/collector.h"

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
inline std::optional<double> value_of(const MetricFamilies& families, const std::string& name,
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
      case prometheus::MetricType::Counter: return metric.counter.value;
      case prometheus::MetricType::Gauge: return metric.gauge.value;
      default: return metric.untyped.value;
    }
  }
  return std::nullopt;
}

// A fresh directory under /tmp, removed with its content on destruction: for fixture trees a test
// builds itself (a file missing on purpose, a fallback path).
class TempDir {
 public:
  TempDir() {
    std::string name = "/tmp/sahab-test-XXXXXX";
    if (!::mkdtemp(name.data())) throw std::runtime_error("mkdtemp failed");
    path_ = name;
  }
  ~TempDir() {
    std::error_code ignored;
    std::filesystem::remove_all(path_, ignored);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

}  // namespace sahab::agent::testing

namespace sahab::agent::testing {

// A fixture tree of its own under /tmp (proc/, sys/, root/), for inputs too big or too odd to
// keep in tests/fixtures; removed when the test ends.
struct TempTree {
  std::filesystem::path base;
  explicit TempTree(const std::string& name)
      : base(std::filesystem::temp_directory_path() /
             ("sahab-" + name + "-" + std::to_string(::getpid()))) {
    std::filesystem::remove_all(base);
    for (const char* dir : {"proc/net", "sys", "root"})
      std::filesystem::create_directories(base / dir);
  }
  ~TempTree() { std::filesystem::remove_all(base); }
  TempTree(const TempTree&) = delete;
  TempTree& operator=(const TempTree&) = delete;
  Paths paths() const { return Paths{base / "proc", base / "sys", base / "root"}; }
  void write(const std::string& relative, const std::string& content) const {
    std::filesystem::create_directories((base / relative).parent_path());
    std::ofstream(base / relative) << content;
  }
};

}  // namespace sahab::agent::testing
