// uname: node_uname_info{sysname,release,version,machine,nodename,domainname} = 1, as
// node_exporter's collector/uname_linux.go. node_exporter calls uname(2); we read the same strings
// from <procfs>/sys/kernel/ (the kernel serves them from the same UTS namespace), so fixture trees
// can stand in for a machine. Older kernels lack sys/kernel/arch: then the machine comes from
// uname(2).
#include <sys/utsname.h>

#include <array>
#include <string>

#include "agent/metrics/collector.h"
#include "agent/metrics/metric_builder.h"
#include "agent/metrics/registry.h"
#include "agent/metrics/sysfs.h"
#include "common/file.h"

namespace sahab::agent {
namespace {

struct UnameField {
  const char* label;
  const char* file;  // under <procfs>/sys/kernel/
};

// In node_exporter's (alphabetical) label order.
constexpr std::array<UnameField, 6> kFields = {{
    {"domainname", "domainname"},
    {"machine", "arch"},
    {"nodename", "hostname"},
    {"release", "osrelease"},
    {"sysname", "ostype"},
    {"version", "version"},
}};

std::string machine_from_syscall() {
  struct utsname names {};
  if (::uname(&names) != 0) throw CollectorError("uname(2) failed");
  return names.machine;
}

class UnameCollector : public Collector {
 public:
  explicit UnameCollector(const Paths& paths) : kernel_dir_(paths.proc("sys/kernel")) {}

  void collect(Exposition& out) const override {
    Labels labels;
    for (const auto& field : kFields) {
      labels.push_back({field.label, read_value(field.file)});
    }
    FamilyBuilder(out, "node_uname_info",
                  "Labeled system information as provided by the uname system call.",
                  prometheus::MetricType::Gauge)
        .add(std::move(labels), 1);
  }

 private:
  std::string read_value(const std::string& file) const {
    const auto path = kernel_dir_ / file;
    auto line = read_text(path);
    if (line) return std::move(*line);
    if (file == "arch") return machine_from_syscall();
    throw FileError("cannot read " + path.string());
  }

  std::filesystem::path kernel_dir_;
};

}  // namespace

std::unique_ptr<Collector> make_uname_collector(const Paths& paths) {
  return std::make_unique<UnameCollector>(paths);
}

}  // namespace sahab::agent
