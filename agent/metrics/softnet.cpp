// softnet: node_softnet_{processed,dropped,times_squeezed}_total{cpu} from /proc/net/softnet_stat
// (one line of hexadecimal counters per CPU), as node_exporter 1.5's collector/softnet_linux.go,
// which numbers the CPUs by line.
#include <string>

#include "agent/metrics/collector.h"
#include "agent/metrics/metric_builder.h"
#include "agent/metrics/pseudo_files.h"
#include "agent/metrics/registry.h"
#include "agent/metrics/sysfs.h"
#include "common/text.h"

namespace sahab::agent {
namespace {

class SoftnetCollector : public Collector {
 public:
  explicit SoftnetCollector(const Paths& paths) : path_(paths.proc("net/softnet_stat")) {}

  void collect(Exposition& out) const override {
    const std::string content = read_pseudo_file(path_);
    FamilyBuilder processed(out, "node_softnet_processed_total", "Number of processed packets",
                            prometheus::MetricType::Counter);
    FamilyBuilder dropped(out, "node_softnet_dropped_total", "Number of dropped packets",
                          prometheus::MetricType::Counter);
    FamilyBuilder squeezed(out, "node_softnet_times_squeezed_total",
                           "Number of times processing packets ran out of quota",
                           prometheus::MetricType::Counter);
    size_t cpu = 0;
    text::for_each_line(content, [&](std::string_view line) {
      const auto f = text::fields(line);
      if (f.empty()) return;
      std::array<double, 3> values{};
      for (size_t i = 0; i < values.size(); ++i) {
        const auto value = i < f.size() ? hex_number(f[i]) : std::nullopt;
        if (!value) throw CollectorError(path_.string() + ": bad line '" + std::string(line) + "'");
        values[i] = *value;
      }
      const Labels labels = {{"cpu", std::to_string(cpu++)}};
      processed.add(labels, values[0]);
      dropped.add(labels, values[1]);
      squeezed.add(labels, values[2]);
    });
  }

 private:
  std::filesystem::path path_;
};

}  // namespace

std::unique_ptr<Collector> make_softnet_collector(const Paths& paths) {
  return std::make_unique<SoftnetCollector>(paths);
}

}  // namespace sahab::agent
