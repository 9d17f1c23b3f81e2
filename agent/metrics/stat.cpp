// stat: boot time, context switches, forks, interrupts and running/blocked processes from
// /proc/stat, as node_exporter's collector/stat_linux.go (per-CPU times live in cpu.cpp).
#include <array>
#include <string>
#include <vector>

#include "agent/metrics/collector.h"
#include "agent/metrics/metric_builder.h"
#include "agent/metrics/pseudo_files.h"
#include "agent/metrics/registry.h"
#include "common/text.h"

namespace sahab::agent {
namespace {

struct StatField {
  const char* key;  // first word of the /proc/stat line
  const char* name;
  const char* help;
  prometheus::MetricType type;
};

constexpr std::array<StatField, 6> kFields = {{
    {"btime", "node_boot_time_seconds", "Node boot time, in unixtime.",
     prometheus::MetricType::Gauge},
    {"ctxt", "node_context_switches_total", "Total number of context switches.",
     prometheus::MetricType::Counter},
    {"processes", "node_forks_total", "Total number of forks.", prometheus::MetricType::Counter},
    {"intr", "node_intr_total", "Total number of interrupts serviced.",
     prometheus::MetricType::Counter},
    {"procs_running", "node_procs_running", "Number of processes in runnable state.",
     prometheus::MetricType::Gauge},
    {"procs_blocked", "node_procs_blocked",
     "Number of processes blocked waiting for I/O to complete.", prometheus::MetricType::Gauge},
}};

const StatField* field_for(std::string_view key) {
  for (const auto& field : kFields) {
    if (key == field.key) return &field;
  }
  return nullptr;
}

class StatCollector : public Collector {
 public:
  explicit StatCollector(const Paths& paths) : path_(paths.proc("stat")) {}

  void collect(Exposition& out) const override {
    const std::string content = read_pseudo_file(path_);
    size_t found = 0;
    std::vector<std::string_view> f;  // the fields of each line in turn, one vector for all
    text::for_each_line(content, [&](std::string_view line) {
      text::fields(line, f);
      if (f.empty()) return;
      const StatField* field = field_for(f[0]);
      if (!field) return;
      // "intr" is followed by per-IRQ counts; like node_exporter, only its total is exported.
      const auto value = f.size() >= 2 ? text::to_u64(f[1]) : std::nullopt;
      if (!value) throw CollectorError("bad '" + std::string(f[0]) + "' line in " + path_.string());
      FamilyBuilder(out, field->name, field->help, field->type)
          .add({}, static_cast<double>(*value));
      ++found;
    });
    if (found == 0) throw CollectorError("no kernel statistics in " + path_.string());
  }

 private:
  std::filesystem::path path_;
};

}  // namespace

std::unique_ptr<Collector> make_stat_collector(const Paths& paths) {
  return std::make_unique<StatCollector>(paths);
}

}  // namespace sahab::agent
