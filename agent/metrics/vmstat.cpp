// vmstat: node_vmstat_<field> from /proc/vmstat, untyped as in node_exporter 1.5's
// collector/vmstat_linux.go, for the fields matching --collector.vmstat.fields (searched, as Go's
// MatchString; the default keeps page faults, paging, swapping and OOM kills).
#include <string>
#include <vector>

#include "agent/metrics/collector.h"
#include "agent/metrics/field_filter.h"
#include "agent/metrics/metric_builder.h"
#include "agent/metrics/pseudo_files.h"
#include "agent/metrics/registry.h"
#include "common/text.h"

namespace sahab::agent {
namespace {

class VmstatCollector : public Collector {
 public:
  explicit VmstatCollector(const Paths& paths)
      : path_(paths.proc("vmstat")), fields_(paths.options.vmstat_fields) {}

  void collect(Exposition& out) const override {
    const std::string content = read_pseudo_file(path_);
    std::string name, help;           // built in the same two buffers for each field kept
    std::vector<std::string_view> f;  // the fields of each line in turn, one vector for all
    text::for_each_line(content, [&](std::string_view line) {
      text::fields(line, f);
      if (f.size() != 2) return;
      if (!fields_.keeps(f[0])) return;
      const auto value = text::to_double(f[1]);
      if (!value) throw CollectorError("bad value in " + path_.string() + ": " + std::string(line));
      name.assign("node_vmstat_").append(f[0]);
      help.assign("/proc/vmstat information field ").append(f[0]).append(1, '.');
      FamilyBuilder(out, name, help, prometheus::MetricType::Untyped).add({}, *value);
    });
  }

 private:
  std::filesystem::path path_;
  FieldFilter fields_;
};

}  // namespace

std::unique_ptr<Collector> make_vmstat_collector(const Paths& paths) {
  return std::make_unique<VmstatCollector>(paths);
}

}  // namespace sahab::agent
