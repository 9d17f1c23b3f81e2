// rapl: node_rapl_<zone>_joules_total{index,path} from the RAPL energy counters in
// /sys/class/powercap/intel-rapl:* (package, core, uncore, dram, psys), as node_exporter 1.5's
// collector/rapl_linux.go. The zone "package-1" is "package" with index 1; zones without a number
// are indexed by how often their name came before. Since Linux 5.10 energy_uj is readable by root
// only; without the counters there is no data (silently).
#include <map>
#include <string>

#include "agent/metrics/collector.h"
#include "agent/metrics/metric_builder.h"
#include "agent/metrics/registry.h"
#include "agent/metrics/sysfs.h"

namespace sahab::agent {
namespace {

class RaplCollector : public Collector {
 public:
  explicit RaplCollector(const Paths& paths) : dir_(paths.sys("class/powercap")) {}

  void collect(Exposition& out) const override {
    if (!std::filesystem::is_directory(dir_)) return out.no_data();
    std::map<std::string, int> seen;  // zones without an index, by name
    FamilySet families(out);
    for (const auto& entry : list_dir(dir_)) {
      const auto zone = dir_ / entry;
      auto name = read_text(zone / "name");
      if (!name) continue;
      std::string index;
      const auto dash = name->rfind('-');
      if (dash != std::string::npos && dash + 1 < name->size() &&
          name->find_first_not_of("0123456789", dash + 1) == std::string::npos) {
        index = name->substr(dash + 1);
        name->resize(dash);
      } else {
        index = std::to_string(seen[*name]++);
      }
      const auto microjoules = read_number(zone / "energy_uj");
      if (!microjoules) return out.no_data();
      families.add("node_rapl_" + *name + "_joules_total",
                   "Current RAPL " + *name + " value in joules",
                   {{"index", index}, {"path", zone.string()}}, *microjoules / 1e6,
                   prometheus::MetricType::Counter);
    }
  }

 private:
  std::filesystem::path dir_;
};

}  // namespace

std::unique_ptr<Collector> make_rapl_collector(const Paths& paths) {
  return std::make_unique<RaplCollector>(paths);
}

}  // namespace sahab::agent
