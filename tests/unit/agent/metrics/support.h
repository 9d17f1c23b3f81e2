#pragma once
// Helpers for collector tests: run a collector on a fixture tree and look up samples.
#include <doctest/doctest.h>
#include <fcntl.h>
#include <unistd.h>

#include <cstdlib>
#include <cstring>
#include <fstream>
#include <optional>
#include <string>

#include "agent/metrics/collector.h"
#include "agent/metrics/text_format_parser.h"
#include "unit/temp_dir.h"

namespace sahab::agent::testing {

// How many read system calls `work` made (the kernel's count for this process, /proc/self/io),
// less the one that reads the count before it.
template <typename Work>
long long reads_made(Work&& work) {
  const auto syscr = [] {
    const int fd = ::open("/proc/self/io", O_RDONLY | O_CLOEXEC);
    REQUIRE(fd >= 0);
    char text[1024] = {};
    REQUIRE(::read(fd, text, sizeof text - 1) > 0);
    ::close(fd);
    const char* count = std::strstr(text, "syscr: ");
    REQUIRE(count != nullptr);
    return std::atoll(count + 7);
  };
  const long long before = syscr();
  work();
  return syscr() - before - 1;
}

inline Paths fixture_paths(const std::string& tree = "default") {
  const std::filesystem::path base = std::filesystem::path(SAHAB_FIXTURES_DIR) / "agent" / tree;
  return Paths{base / "proc", base / "sys", base / "root"};
}

using MetricFamilies = std::vector<prometheus::MetricFamily>;

// What was written as text, read back: a family per name, in name order. The text must parse
// (the check that the writers write the format).
inline MetricFamilies families_of(const std::string& text) {
  MetricFamilies families;
  for (auto& [name, family] : parse_text_format(text, "test")) {
    families.push_back(std::move(family));
  }
  return families;
}

// A collector's families; none when it reported no data.
inline MetricFamilies collect(const Collector& collector) {
  std::string text;
  Exposition out(text);
  collector.collect(out);
  return out.reported_no_data() ? MetricFamilies{} : families_of(text);
}

// Whether the collector reported its subsystem absent.
inline bool no_data(const Collector& collector) {
  std::string text;
  Exposition out(text);
  collector.collect(out);
  return out.reported_no_data();
}

// Whether the collector reported its subsystem absent with success (Exposition::found_nothing).
inline bool found_nothing(const Collector& collector) {
  std::string text;
  Exposition out(text);
  collector.collect(out);
  return out.reported_found_nothing() && text.empty();
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

// An Exposition for the functions that write families (the Windows ones), read back when looked
// at: what find_family returns stays valid until more is written.
class Written {
 public:
  operator Exposition&() { return out_; }
  bool empty() const { return text_.empty(); }
  const MetricFamilies& families() const {
    if (read_size_ != text_.size()) {
      families_ = families_of(text_);
      read_size_ = text_.size();
    }
    return families_;
  }

 private:
  std::string text_;
  Exposition out_{text_};
  mutable MetricFamilies families_;
  mutable std::size_t read_size_ = 0;
};

inline const prometheus::MetricFamily* find_family(const Written& written,
                                                   const std::string& name) {
  return find_family(written.families(), name);
}

inline std::optional<double> value_of(
    const Written& written, const std::string& name,
    const std::vector<std::pair<std::string, std::string>>& labels = {}) {
  return value_of(written.families(), name, labels);
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
