// bonding: node_bonding_{slaves,active}{master} for each bonding interface named in
// /sys/class/net/bonding_masters, a slave being active when its MII status is "up", as
// node_exporter 1.5's collector/bonding_linux.go. Without the bonding driver there is no data
// (silently). The files hold one line of space-separated names.
#include <string>

#include "agent/metrics/collector.h"
#include "agent/metrics/metric_builder.h"
#include "agent/metrics/pseudo_files.h"
#include "agent/metrics/registry.h"
#include "agent/metrics/sysfs.h"
#include "common/text.h"

namespace sahab::agent {
namespace {

class BondingCollector : public Collector {
 public:
  explicit BondingCollector(const Paths& paths) : dir_(paths.sys("class/net")) {}

  void collect(Exposition& out) const override {
    const auto masters = try_read_pseudo_file(dir_ / "bonding_masters");
    if (!masters) return out.no_data();
    FamilyBuilder slaves(out, "node_bonding_slaves",
                         "Number of configured slaves per bonding interface.",
                         prometheus::MetricType::Gauge);
    FamilyBuilder active(out, "node_bonding_active",
                         "Number of active slaves per bonding interface.",
                         prometheus::MetricType::Gauge);
    for (const auto master : text::fields(text::trim(*masters))) {
      // Through the master's directory, not its name (AttributeDir: renamed interfaces).
      const AttributeDir master_dir(dir_ / master);
      const auto list = master_dir.read_text("bonding/slaves");
      if (!list) throw CollectorError("cannot read " + (dir_ / master / "bonding/slaves").string());
      double configured = 0, up = 0;
      for (const auto slave : text::fields(*list)) {
        ++configured;
        if (mii_status(master_dir, std::string(master), std::string(slave)) == "up") ++up;
      }
      slaves.add({{"master", std::string(master)}}, configured);
      active.add({{"master", std::string(master)}}, up);
    }
  }

 private:
  // The slave as linked under its master: lower_<slave> on current kernels, slave_<slave> on
  // older ones. A slave without either is a bonding setup this code cannot read: no data.
  static std::string mii_status(const AttributeDir& master_dir, const std::string& master,
                                const std::string& slave) {
    for (const char* link : {"lower_", "slave_"}) {
      const std::string file = link + slave + "/bonding_slave/mii_status";
      if (auto status = master_dir.read_text(file.c_str())) {
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
