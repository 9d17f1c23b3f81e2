// netdev: node_network_{receive,transmit}_<field>_total{device} from /proc/net/dev, with the
// names node_exporter 1.5 gives them (the columns of the file's header, e.g. receive_errs,
// transmit_colls) and its --collector.netdev.device-exclude filter. node_exporter 1.5 reads the
// same counters over netlink, which adds receive_nohandler: we take that one from sysfs.
#include <array>
#include <string>
#include <vector>

#include "agent/metrics/collector.h"
#include "agent/metrics/exclude_pattern.h"
#include "agent/metrics/metric_builder.h"
#include "agent/metrics/pseudo_files.h"
#include "agent/metrics/registry.h"
#include "agent/metrics/sysfs.h"
#include "common/text.h"

namespace sahab::agent {
namespace {

// Column order of /proc/net/dev (net/core/net-procfs.c), the same on every kernel since 2.6.
constexpr std::array<const char*, 16> kColumns = {
    "receive_bytes",  "receive_packets",  "receive_errs",       "receive_drop",
    "receive_fifo",   "receive_frame",    "receive_compressed", "receive_multicast",
    "transmit_bytes", "transmit_packets", "transmit_errs",      "transmit_drop",
    "transmit_fifo",  "transmit_colls",   "transmit_carrier",   "transmit_compressed"};

struct Interface {
  std::string name;
  std::array<double, kColumns.size()> values{};
};

class NetdevCollector : public Collector {
 public:
  explicit NetdevCollector(const Paths& paths)
      : path_(paths.proc("net/dev")),
        class_net_(paths.sys("class/net")),
        exclude_(paths.options.netdev_device_exclude) {}

  void collect(Exposition& out) const override {
    const std::vector<Interface> interfaces = parse(read_pseudo_file(path_));
    add_nohandler(out, interfaces);
    for (size_t column = 0; column < kColumns.size(); ++column) {
      const std::string field = kColumns[column];
      FamilyBuilder family(out, "node_network_" + field + "_total",
                           "Network device statistic " + field + ".",
                           prometheus::MetricType::Counter);
      for (const auto& interface : interfaces) {
        family.add({{"device", interface.name}}, interface.values[column]);
      }
    }
  }

 private:
  std::vector<Interface> parse(const std::string& content) const {
    std::vector<Interface> interfaces;
    size_t line_number = 0;
    text::for_each_line(content, [&](std::string_view line) {
      if (++line_number <= 2) return;  // the two header lines
      if (text::trim(line).empty()) return;
      const auto colon = line.find(':');
      if (colon == std::string_view::npos) fail(line_number, "no ':' after the device name");
      Interface interface {
        std::string(text::trim(line.substr(0, colon))), {}
      };
      if (exclude_.excludes(interface.name)) return;
      const auto numbers = text::fields(line.substr(colon + 1));
      if (numbers.size() != kColumns.size()) fail(line_number, "expected 16 numbers");
      for (size_t i = 0; i < numbers.size(); ++i) {
        const auto value = text::to_u64(numbers[i]);
        if (!value) fail(line_number, "bad number '" + std::string(numbers[i]) + "'");
        interface.values[i] = static_cast<double>(*value);
      }
      interfaces.push_back(std::move(interface));
    });
    if (line_number < 2) throw CollectorError("no header in " + path_.string());
    return interfaces;
  }

  // Packets dropped for want of a protocol handler; absent on kernels before 4.6.
  void add_nohandler(Exposition& out, const std::vector<Interface>& interfaces) const {
    FamilyBuilder family(out, "node_network_receive_nohandler_total",
                         "Network device statistic receive_nohandler.",
                         prometheus::MetricType::Counter);
    for (const auto& interface : interfaces) {
      // Through the interface's directory, not its name (AttributeDir: renamed interfaces).
      const auto line =
          AttributeDir(class_net_ / interface.name).read_text("statistics/rx_nohandler");
      if (const auto value = line ? text::to_u64(*line) : std::nullopt) {
        family.add({{"device", interface.name}}, static_cast<double>(*value));
      }
    }
  }

  [[noreturn]] void fail(size_t line_number, const std::string& why) const {
    throw CollectorError(path_.string() + ":" + std::to_string(line_number) + ": " + why);
  }

  std::filesystem::path path_;
  std::filesystem::path class_net_;
  ExcludePattern exclude_;
};

}  // namespace

std::unique_ptr<Collector> make_netdev_collector(const Paths& paths) {
  return std::make_unique<NetdevCollector>(paths);
}

}  // namespace sahab::agent
