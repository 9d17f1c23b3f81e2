#pragma once
// The interface every metrics collector implements, modelled on node_exporter's collector/:
// one small class per file, reading /proc and /sys at scrape time.
#include <prometheus/metric_family.h>

#include <filesystem>
#include <stdexcept>
#include <string>
#include <vector>

namespace sahab::agent {

// Roots of the filesystems collectors read; tests point them at fixture trees.
struct Paths {
  std::filesystem::path procfs = "/proc";
  std::filesystem::path sysfs = "/sys";
  std::filesystem::path rootfs = "/";

  std::filesystem::path proc(const std::string& relative) const { return procfs / relative; }
  std::filesystem::path sys(const std::string& relative) const { return sysfs / relative; }
  // A path on the host's root filesystem, e.g. rootfs("etc/os-release").
  std::filesystem::path root(const std::string& relative) const { return rootfs / relative; }
};

// Thrown by a collector that cannot produce its metrics; the scrape reports success=0 for it.
class CollectorError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

using MetricFamilies = std::vector<prometheus::MetricFamily>;

class Collector {
 public:
  virtual ~Collector() = default;
  // Appends this collector's families to `out`. May be called from several threads at once.
  // Throws (CollectorError, FileError, ...) on failure.
  virtual void collect(MetricFamilies& out) const = 0;
};

}  // namespace sahab::agent
