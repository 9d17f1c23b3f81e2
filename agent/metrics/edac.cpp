// edac: ECC memory error counters of each memory controller in /sys/devices/system/edac/mc, in
// total and per chip-select row (csrow "unknown" for errors the controller could not place), as
// node_exporter 1.5's collector/edac_linux.go. A machine without EDAC reports nothing, which is not
// an error (as upstream).
#include <string>

#include "agent/metrics/collector.h"
#include "agent/metrics/metric_builder.h"
#include "agent/metrics/registry.h"
#include "agent/metrics/sysfs.h"

namespace sahab::agent {
namespace {

bool numbered(const std::string& name, std::string_view prefix) {
  return name.size() > prefix.size() && name.starts_with(prefix) &&
         name.find_first_not_of("0123456789", prefix.size()) == std::string::npos;
}

class EdacCollector : public Collector {
 public:
  explicit EdacCollector(const Paths& paths) : dir_(paths.sys("devices/system/edac/mc")) {}

  void collect(Exposition& out) const override {
    using prometheus::MetricType;
    const auto controllers = list_dir(dir_);
    if (controllers.empty()) return out.found_nothing();
    FamilyBuilder ce(out, "node_edac_correctable_errors_total", "Total correctable memory errors.",
                     MetricType::Counter);
    FamilyBuilder ue(out, "node_edac_uncorrectable_errors_total",
                     "Total uncorrectable memory errors.", MetricType::Counter);
    FamilyBuilder row_ce(out, "node_edac_csrow_correctable_errors_total",
                         "Total correctable memory errors for this csrow.", MetricType::Counter);
    FamilyBuilder row_ue(out, "node_edac_csrow_uncorrectable_errors_total",
                         "Total uncorrectable memory errors for this csrow.", MetricType::Counter);
    for (const auto& mc : controllers) {
      if (!numbered(mc, "mc")) continue;
      const auto dir = dir_ / mc;
      const std::string controller = mc.substr(2);
      ce.add({{"controller", controller}}, require_number(dir / "ce_count"));
      ue.add({{"controller", controller}}, require_number(dir / "ue_count"));
      row_ce.add({{"controller", controller}, {"csrow", "unknown"}},
                 require_number(dir / "ce_noinfo_count"));
      row_ue.add({{"controller", controller}, {"csrow", "unknown"}},
                 require_number(dir / "ue_noinfo_count"));
      for (const auto& row : list_dir(dir)) {
        if (!numbered(row, "csrow")) continue;
        const Labels labels = {{"controller", controller}, {"csrow", row.substr(5)}};
        row_ce.add(labels, require_number(dir / row / "ce_count"));
        row_ue.add(labels, require_number(dir / row / "ue_count"));
      }
    }
  }

 private:
  std::filesystem::path dir_;
};

}  // namespace

std::unique_ptr<Collector> make_edac_collector(const Paths& paths) {
  return std::make_unique<EdacCollector>(paths);
}

}  // namespace sahab::agent
