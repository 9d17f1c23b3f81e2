// arp: node_arp_entries{device} from /proc/net/arp, the neighbour entries counted per interface,
// as node_exporter 1.5's collector/arp_linux.go.
#include <map>
#include <string>

#include "agent/metrics/collector.h"
#include "agent/metrics/metric_builder.h"
#include "agent/metrics/pseudo_files.h"
#include "agent/metrics/registry.h"
#include "common/text.h"

namespace sahab::agent {
namespace {

class ArpCollector : public Collector {
 public:
  explicit ArpCollector(const Paths& paths) : path_(paths.proc("net/arp")) {}

  void collect(Exposition& out) const override {
    const std::string content = read_pseudo_file(path_);
    std::map<std::string, double> entries;
    size_t line_number = 0;
    // "IP address  HW type  Flags  HW address  Mask  Device": the device is the sixth column.
    text::for_each_line(content, [&](std::string_view line) {
      if (++line_number == 1) return;
      const auto f = text::fields(line);
      if (f.empty()) return;
      if (f.size() < 6)
        throw CollectorError(path_.string() + ": short line '" + std::string(line) + "'");
      entries[std::string(f[5])] += 1;
    });
    FamilyBuilder family(out, "node_arp_entries", "ARP entries by device",
                         prometheus::MetricType::Gauge);
    for (const auto& [device, count] : entries) family.add({{"device", device}}, count);
  }

 private:
  std::filesystem::path path_;
};

}  // namespace

std::unique_ptr<Collector> make_arp_collector(const Paths& paths) {
  return std::make_unique<ArpCollector>(paths);
}

}  // namespace sahab::agent
