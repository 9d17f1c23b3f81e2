// bonding: node_bonding_{slaves,active}{master} for each bonding interface named in
// /sys/class/net/bonding_masters, a slave being active when its MII status is "up", as
// node_exporter 1.5's collector/bonding_linux.go. Without the bonding driver there is no data
// (silently). The files hold one line of space-separated names.
#include <string>

#include "agent/metrics/collector.h"
#include "agent/metrics/metric_builder.h"
#include "agent/metrics/registry.h"
#include "agent/metrics/sysfs.h"
#include "common/file.h"
#include "common/text.h"

namespace sahab::agent {
namespace {

class BondingCollector : public Collector {
 public:
  explicit BondingCollector(const Paths& paths) : dir_(paths.sys("class/net")) {}

  void collect(MetricFamilies& out) const override {
    const auto masters = try_read_file(dir_ / "bonding_masters");
    if (!masters) throw NoDataError("no " + (dir_ / "bonding_masters").string());
    FamilyBuilder slaves(out, "node_bonding_slaves",
                         "Number of configured slaves per bonding interface.",
                         prometheus::MetricType::Gauge);
    FamilyBuilder active(out, "node_bonding_active",
                         "Number of active slaves per bonding interface.",
                         prometheus::MetricType::Gauge);
    for (const auto master : text::fields(text::trim(*masters))) {
      const auto list = read_file(dir_ / master / "bonding/slaves");
      double configured = 0, up = 0;
      for (const auto slave : text::fields(text::trim(list))) {
        ++configured;
        if (mii_status(std::string(master), std::string(slave)) == "up") ++up;
      }
      slaves.add({{"master", std::string(master)}}, configured);
      active.add({{"master", std::string(master)}}, up);
    }
  }

 private:
  // The slave as linked under its master: lower_<slave> on current kernels, slave_<slave> on
  // older ones. A slave without either is a bonding setup this code cannot read: no data.
  std::string mii_status(const std::string& master, const std::string& slave) const {
    for (const char* link : {"lower_", "slave_"}) {
      if (auto status = read_text(dir_ / master / (link + slave) / "bonding_slave/mii_status")) {
        return *status;
      }
    }
    throw NoDataError("no MII status for slave " + slave + " of " + master);
  }

  std::filesystem::path dir_;
};

}  // namespace

std::unique_ptr<Collector> make_bonding_collector(const Paths& paths) {
  return std::make_unique<BondingCollector>(paths);
}

}  // namespace sahab::agent
