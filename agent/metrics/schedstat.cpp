// schedstat: node_schedstat_{running,waiting}_seconds_total and node_schedstat_timeslices_total
// per CPU from /proc/schedstat (the "cpuN" lines' last three fields: nanoseconds running,
// nanoseconds waiting, timeslices), as node_exporter 1.5's collector/schedstat_linux.go. Kernels
// built without CONFIG_SCHEDSTATS have no file: no data, silently.
#include <string>

#include "agent/metrics/collector.h"
#include "agent/metrics/metric_builder.h"
#include "agent/metrics/pseudo_files.h"
#include "agent/metrics/registry.h"
#include "common/text.h"

namespace sahab::agent {
namespace {

class SchedstatCollector : public Collector {
 public:
  explicit SchedstatCollector(const Paths& paths) : path_(paths.proc("schedstat")) {}

  void collect(Exposition& out) const override {
    const auto content = try_read_pseudo_file(path_);
    if (!content) return out.no_data();
    FamilyBuilder running(out, "node_schedstat_running_seconds_total",
                          "Number of seconds CPU spent running a process.",
                          prometheus::MetricType::Counter);
    FamilyBuilder waiting(out, "node_schedstat_waiting_seconds_total",
                          "Number of seconds spent by processing waiting for this CPU.",
                          prometheus::MetricType::Counter);
    FamilyBuilder timeslices(out, "node_schedstat_timeslices_total",
                             "Number of timeslices executed by CPU.",
                             prometheus::MetricType::Counter);
    text::for_each_line(*content, [&](std::string_view line) {
      const auto f = text::fields(line);
      if (f.empty() || !f[0].starts_with("cpu")) return;
      if (f.size() != 10)
        throw CollectorError(path_.string() + ": not 9 fields for " + std::string(f[0]));
      const Labels labels = {{"cpu", std::string(f[0].substr(3))}};
      running.add(labels, number(f[7]) / 1e9);
      waiting.add(labels, number(f[8]) / 1e9);
      timeslices.add(labels, number(f[9]));
    });
  }

 private:
  double number(std::string_view field) const {
    const auto value = text::to_u64(field);
    if (!value) throw CollectorError(path_.string() + ": bad number '" + std::string(field) + "'");
    return static_cast<double>(*value);
  }

  std::filesystem::path path_;
};

}  // namespace

std::unique_ptr<Collector> make_schedstat_collector(const Paths& paths) {
  return std::make_unique<SchedstatCollector>(paths);
}

}  // namespace sahab::agent
