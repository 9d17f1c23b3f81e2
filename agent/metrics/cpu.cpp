// cpu: node_cpu_seconds_total{cpu,mode} and node_cpu_guest_seconds_total from /proc/stat,
// as node_exporter's collector/cpu_linux.go.
#include <array>
#include <string>

#include "agent/metrics/collector.h"
#include "agent/metrics/metric_builder.h"
#include "agent/metrics/pseudo_files.h"
#include "agent/metrics/registry.h"
#include "common/text.h"

namespace sahab::agent {
namespace {

// Field order of a "cpuN" line in /proc/stat (proc(5)).
constexpr std::array<const char*, 8> kModes = {"user",   "nice", "system",  "idle",
                                               "iowait", "irq",  "softirq", "steal"};
constexpr size_t kGuestField = 8;
constexpr size_t kGuestNiceField = 9;
// The kernel exports CPU time in USER_HZ ticks, which is 100 on every Linux ABI.
constexpr double kTicksPerSecond = 100.0;

class CpuCollector : public Collector {
 public:
  explicit CpuCollector(const Paths& paths) : stat_path_(paths.proc("stat")) {}

  void collect(Exposition& out) const override {
    const std::string content = read_pseudo_file(stat_path_);
    FamilyBuilder seconds(out, "node_cpu_seconds_total", "Seconds the CPUs spent in each mode.",
                          prometheus::MetricType::Counter);
    FamilyBuilder guest(out, "node_cpu_guest_seconds_total",
                        "Seconds the CPUs spent in guests (VMs) for each mode.",
                        prometheus::MetricType::Counter);
    bool found = false;
    text::for_each_line(content, [&](std::string_view line) {
      // Per-CPU lines only: "cpu0 ...", not the "cpu " total.
      if (!line.starts_with("cpu") || line.size() < 4 || line[3] == ' ') return;
      const auto f = text::fields(line);
      if (f.size() < 1 + kModes.size())
        throw CollectorError("short cpu line in " + stat_path_.string());
      const std::string cpu(f[0].substr(3));
      for (size_t i = 0; i < kModes.size(); ++i) {
        seconds.add({{"cpu", cpu}, {"mode", kModes[i]}}, ticks(f[i + 1]));
      }
      if (f.size() > kGuestNiceField) {
        guest.add({{"cpu", cpu}, {"mode", "user"}}, ticks(f[kGuestField + 1]));
        guest.add({{"cpu", cpu}, {"mode", "nice"}}, ticks(f[kGuestNiceField + 1]));
      }
      found = true;
    });
    if (!found) throw CollectorError("no per-cpu lines in " + stat_path_.string());
  }

 private:
  double ticks(std::string_view field) const {
    const auto value = text::to_u64(field);
    if (!value)
      throw CollectorError("bad number '" + std::string(field) + "' in " + stat_path_.string());
    return static_cast<double>(*value) / kTicksPerSecond;
  }

  std::filesystem::path stat_path_;
};

}  // namespace

std::unique_ptr<Collector> make_cpu_collector(const Paths& paths) {
  return std::make_unique<CpuCollector>(paths);
}

}  // namespace sahab::agent
