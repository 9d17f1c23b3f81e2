// pressure: node_pressure_*_seconds_total from /proc/pressure/{cpu,io,memory} (PSI, Linux 4.20+),
// as node_exporter 1.5's collector/pressure_linux.go: the "some" line's total is the time some
// task waited, the "full" line's the time all of them were stalled; node_exporter 1.5 reports no
// "full" figure for the CPU. Without PSI the collector has no data (silently, as upstream).
#include <array>
#include <string>

#include "agent/metrics/collector.h"
#include "agent/metrics/metric_builder.h"
#include "agent/metrics/pseudo_files.h"
#include "agent/metrics/registry.h"
#include "common/text.h"

namespace sahab::agent {
namespace {

struct Resource {
  const char* name;
  const char* waiting_help;
  const char* stalled_help;  // nullptr: no "full" series
};

constexpr std::array<Resource, 3> kResources = {{
    {"cpu", "Total time in seconds that processes have waited for CPU time", nullptr},
    {"io", "Total time in seconds that processes have waited due to IO congestion",
     "Total time in seconds no process could make progress due to IO congestion"},
    {"memory", "Total time in seconds that processes have waited for memory",
     "Total time in seconds no process could make progress due to memory congestion"},
}};

class PressureCollector : public Collector {
 public:
  explicit PressureCollector(const Paths& paths) : dir_(paths.proc("pressure")) {}

  void collect(Exposition& out) const override {
    for (const auto& resource : kResources) {
      const auto path = dir_ / resource.name;
      const auto content = try_read_pseudo_file(path);
      if (!content) return out.no_data();
      const std::string prefix = std::string("node_pressure_") + resource.name;
      add_counter(out, prefix + "_waiting_seconds_total", resource.waiting_help,
                  total(*content, "some", path));
      if (resource.stalled_help) {
        add_counter(out, prefix + "_stalled_seconds_total", resource.stalled_help,
                    total(*content, "full", path));
      }
    }
  }

 private:
  // The total= of the line starting with `kind` ("some avg10=0.00 avg60=0.00 avg300=0.00
  // total=1234"), in microseconds, as seconds.
  static double total(const std::string& content, std::string_view kind,
                      const std::filesystem::path& path) {
    std::optional<double> found;
    text::for_each_line(content, [&](std::string_view line) {
      const auto f = text::fields(line);
      if (f.empty() || f[0] != kind) return;
      for (const auto field : f) {
        if (field.starts_with("total=")) found = text::to_double(field.substr(6));
      }
    });
    if (!found)
      throw CollectorError("no '" + std::string(kind) + " ... total=' in " + path.string());
    return *found / 1e6;
  }

  std::filesystem::path dir_;
};

}  // namespace

std::unique_ptr<Collector> make_pressure_collector(const Paths& paths) {
  return std::make_unique<PressureCollector>(paths);
}

}  // namespace sahab::agent
