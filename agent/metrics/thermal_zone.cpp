// thermal_zone: node_thermal_zone_temp{zone,type} from /sys/class/thermal/thermal_zone*/ and
// node_cooling_device_{cur,max}_state{name,type} from /sys/class/thermal/cooling_device*/, as
// node_exporter 1.5's collector/thermal_zone_linux.go. A zone whose temperature cannot be read
// (a sensor the firmware switched off) is left out.
#include <string>

#include "agent/metrics/collector.h"
#include "agent/metrics/metric_builder.h"
#include "agent/metrics/registry.h"
#include "agent/metrics/sysfs.h"

namespace sahab::agent {
namespace {

class ThermalZoneCollector : public Collector {
 public:
  explicit ThermalZoneCollector(const Paths& paths) : dir_(paths.sys("class/thermal")) {}

  void collect(Exposition& out) const override {
    if (!std::filesystem::is_directory(dir_)) return out.no_data();
    const auto entries = list_dir(dir_);
    if (entries.empty()) return out.found_nothing();
    FamilyBuilder temp(out, "node_thermal_zone_temp", "Zone temperature in Celsius",
                       prometheus::MetricType::Gauge);
    FamilyBuilder cur(out, "node_cooling_device_cur_state",
                      "Current throttle state of the cooling device",
                      prometheus::MetricType::Gauge);
    FamilyBuilder max(out, "node_cooling_device_max_state",
                      "Maximum throttle state of the cooling device",
                      prometheus::MetricType::Gauge);
    for (const auto& name : entries) {
      const auto dir = dir_ / name;
      const std::string type = read_text(dir / "type").value_or("");
      if (name.starts_with("thermal_zone")) {
        if (const auto millidegrees = read_number(dir / "temp")) {
          temp.add({{"type", type}, {"zone", name.substr(12)}}, *millidegrees / 1000.0);
        }
      } else if (name.starts_with("cooling_device")) {
        const auto current = read_number(dir / "cur_state");
        const auto maximum = read_number(dir / "max_state");
        if (!current || !maximum) continue;
        const Labels labels = {{"name", name.substr(14)}, {"type", type}};
        cur.add(labels, *current);
        max.add(labels, *maximum);
      }
    }
  }

 private:
  std::filesystem::path dir_;
};

}  // namespace

std::unique_ptr<Collector> make_thermal_zone_collector(const Paths& paths) {
  return std::make_unique<ThermalZoneCollector>(paths);
}

}  // namespace sahab::agent
