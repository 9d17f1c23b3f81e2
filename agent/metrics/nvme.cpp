// nvme: node_nvme_info{device,firmware_revision,model,serial,state} for each controller in
// /sys/class/nvme, as node_exporter 1.5's collector/nvme_linux.go. Without NVMe there is no data
// (silently).
#include <string>

#include "agent/metrics/collector.h"
#include "agent/metrics/metric_builder.h"
#include "agent/metrics/registry.h"
#include "agent/metrics/sysfs.h"

namespace sahab::agent {
namespace {

class NvmeCollector : public Collector {
 public:
  explicit NvmeCollector(const Paths& paths) : dir_(paths.sys("class/nvme")) {}

  void collect(Exposition& out) const override {
    if (!std::filesystem::is_directory(dir_)) return out.no_data();
    FamilyBuilder info(out, "node_nvme_info",
                       "Non-numeric data from /sys/class/nvme/<device>, value is always 1.",
                       prometheus::MetricType::Gauge);
    for (const auto& device : list_dir(dir_)) {
      const auto text = [&](const char* file) {
        return read_text(dir_ / device / file).value_or("");
      };
      info.add({{"device", device},
                {"firmware_revision", text("firmware_rev")},
                {"model", text("model")},
                {"serial", text("serial")},
                {"state", text("state")}},
               1);
    }
  }

 private:
  std::filesystem::path dir_;
};

}  // namespace

std::unique_ptr<Collector> make_nvme_collector(const Paths& paths) {
  return std::make_unique<NvmeCollector>(paths);
}

}  // namespace sahab::agent
