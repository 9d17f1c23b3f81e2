// time: node_time_seconds, node_time_zone_offset_seconds{time_zone} and the clocksources from
// <sysfs>/devices/system/clocksource/, as node_exporter's collector/time.go and time_linux.go.
#include <algorithm>
#include <cctype>
#include <chrono>
#include <ctime>
#include <string>
#include <vector>

#include "agent/metrics/collector.h"
#include "agent/metrics/metric_builder.h"
#include "agent/metrics/pseudo_files.h"
#include "agent/metrics/registry.h"
#include "common/text.h"

namespace sahab::agent {
namespace {

// clocksource0, clocksource1, ... in the lexical order of node_exporter's glob, whose position
// (not the number in the name) becomes the "device" label.
std::vector<std::filesystem::path> clocksource_dirs(const std::filesystem::path& root) {
  std::vector<std::filesystem::path> dirs;
  std::error_code error;
  for (std::filesystem::directory_iterator it(root, error), end; !error && it != end;
       it.increment(error)) {
    const std::string name = it->path().filename().string();
    constexpr std::string_view prefix = "clocksource";
    if (name.size() > prefix.size() && name.starts_with(prefix) &&
        std::isdigit(static_cast<unsigned char>(name[prefix.size()]))) {
      dirs.push_back(it->path());
    }
  }
  std::sort(dirs.begin(), dirs.end());
  return dirs;
}

class TimeCollector : public Collector {
 public:
  explicit TimeCollector(const Paths& paths)
      : clocksource_root_(paths.sys("devices/system/clocksource")) {}

  void collect(Exposition& out) const override {
    const auto now = std::chrono::system_clock::now();
    const std::chrono::duration<double> since_epoch = now.time_since_epoch();
    add_gauge(out, "node_time_seconds", "System time in seconds since epoch (1970).",
              since_epoch.count());
    add_time_zone(out, std::chrono::system_clock::to_time_t(now));
    add_clocksources(out);
  }

 private:
  static void add_time_zone(Exposition& out, std::time_t now) {
    std::tm local{};
    if (!::localtime_r(&now, &local)) throw CollectorError("localtime_r failed");
    FamilyBuilder(out, "node_time_zone_offset_seconds", "System time zone offset in seconds.",
                  prometheus::MetricType::Gauge)
        .add({{"time_zone", local.tm_zone ? local.tm_zone : ""}},
             static_cast<double>(local.tm_gmtoff));
  }

  // No clocksource directory (some containers) just means no clocksource series.
  void add_clocksources(Exposition& out) const {
    FamilyBuilder available(out, "node_time_clocksource_available_info",
                            "Available clocksources read from '/sys/devices/system/clocksource'.",
                            prometheus::MetricType::Gauge);
    FamilyBuilder current(out, "node_time_clocksource_current_info",
                          "Current clocksource read from '/sys/devices/system/clocksource'.",
                          prometheus::MetricType::Gauge);
    const auto dirs = clocksource_dirs(clocksource_root_);
    for (size_t i = 0; i < dirs.size(); ++i) {
      const std::string device = std::to_string(i);
      const std::string names = read_pseudo_file(dirs[i] / "available_clocksource");
      for (const auto name : text::fields(text::trim(names))) {
        available.add({{"clocksource", std::string(name)}, {"device", device}}, 1);
      }
      const std::string in_use = read_pseudo_file(dirs[i] / "current_clocksource");
      current.add({{"clocksource", std::string(text::trim(in_use))}, {"device", device}}, 1);
    }
  }

  std::filesystem::path clocksource_root_;
};

}  // namespace

std::unique_ptr<Collector> make_time_collector(const Paths& paths) {
  return std::make_unique<TimeCollector>(paths);
}

}  // namespace sahab::agent
