// cpufreq: node_cpu_frequency_*_hertz and node_cpu_scaling_frequency_*_hertz{cpu} from
// /sys/devices/system/cpu/cpu*/cpufreq (kHz in sysfs, Hz here), as node_exporter 1.5's
// collector/cpufreq_linux.go (the governor series came in later releases). Virtual machines usually
// have no cpufreq: then there is nothing to report, and that is not an error (as upstream).
// cpuinfo_cur_freq is readable by root only; without it node_cpu_frequency_hertz is left out.
#include <string>

#include "agent/metrics/collector.h"
#include "agent/metrics/metric_builder.h"
#include "agent/metrics/registry.h"
#include "agent/metrics/sysfs.h"

namespace sahab::agent {
namespace {

struct Frequency {
  const char* metric;
  const char* file;
  const char* help;
};

constexpr std::array<Frequency, 6> kFrequencies = {{
    {"node_cpu_frequency_hertz", "cpuinfo_cur_freq", "Current cpu thread frequency in hertz."},
    {"node_cpu_frequency_max_hertz", "cpuinfo_max_freq", "Maximum cpu thread frequency in hertz."},
    {"node_cpu_frequency_min_hertz", "cpuinfo_min_freq", "Minimum cpu thread frequency in hertz."},
    {"node_cpu_scaling_frequency_hertz", "scaling_cur_freq",
     "Current scaled CPU thread frequency in hertz."},
    {"node_cpu_scaling_frequency_max_hertz", "scaling_max_freq",
     "Maximum scaled CPU thread frequency in hertz."},
    {"node_cpu_scaling_frequency_min_hertz", "scaling_min_freq",
     "Minimum scaled CPU thread frequency in hertz."},
}};

class CpufreqCollector : public Collector {
 public:
  explicit CpufreqCollector(const Paths& paths) : dir_(paths.sys("devices/system/cpu")) {}

  void collect(Exposition& out) const override {
    std::vector<std::pair<std::string, std::filesystem::path>> cpus;
    for (const auto& name : list_dir(dir_)) {
      if (name.size() > 3 && name.starts_with("cpu") &&
          name.find_first_not_of("0123456789", 3) == std::string::npos &&
          std::filesystem::is_directory(dir_ / name / "cpufreq")) {
        cpus.push_back({name.substr(3), dir_ / name / "cpufreq"});
      }
    }
    if (cpus.empty()) return out.found_nothing();
    for (const auto& frequency : kFrequencies) {
      FamilyBuilder family(out, frequency.metric, frequency.help, prometheus::MetricType::Gauge);
      for (const auto& [cpu, dir] : cpus) {
        if (const auto khz = read_number(dir / frequency.file)) {
          family.add({{"cpu", cpu}}, *khz * 1000.0);
        }
      }
    }
  }

 private:
  std::filesystem::path dir_;
};

}  // namespace

std::unique_ptr<Collector> make_cpufreq_collector(const Paths& paths) {
  return std::make_unique<CpufreqCollector>(paths);
}

}  // namespace sahab::agent
