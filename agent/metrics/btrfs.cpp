// btrfs: node_btrfs_* for each Btrfs filesystem in /sys/fs/btrfs/<uuid>, as node_exporter 1.5's
// collector/btrfs_linux.go with prometheus/procfs 0.8's reader: the filesystem's label, global
// reserve, device sizes (512-byte sectors as bytes), and per block group type (data, metadata,
// system) its reserved bytes and, per RAID profile, allocated and used bytes and allocation
// ratio. Like procfs, a missing or unreadable value counts as 0. Without Btrfs there is nothing
// to report, which is not an error.
#include <array>
#include <string>

#include "agent/metrics/collector.h"
#include "agent/metrics/metric_builder.h"
#include "agent/metrics/registry.h"
#include "agent/metrics/sysfs.h"

namespace sahab::agent {
namespace {

constexpr std::array<const char*, 3> kBlockGroupTypes = {"data", "metadata", "system"};

double value_or_zero(const std::filesystem::path& path) { return read_number(path).value_or(0); }

// How many bytes of raw space one byte of data takes in a RAID profile.
double allocation_ratio(const std::string& profile, double devices) {
  if (profile == "single" || profile == "raid0") return 1;
  if (profile == "dup" || profile == "raid1" || profile == "raid10") return 2;
  if (profile == "raid5") return devices / (devices - 1);
  if (profile == "raid6") return devices / (devices - 2);
  return 0;
}

class BtrfsCollector : public Collector {
 public:
  explicit BtrfsCollector(const Paths& paths) : dir_(paths.sys("fs/btrfs")) {}

  void collect(Exposition& out) const override {
    using prometheus::MetricType;
    std::vector<std::string> filesystems;
    for (auto& name : list_dir(dir_)) {
      if (name.find('-') != std::string::npos) filesystems.push_back(std::move(name));
    }
    // "features" is no filesystem: the module loaded, nothing mounted.
    if (filesystems.empty()) return out.found_nothing();
    FamilyBuilder info(out, "node_btrfs_info", "Filesystem information", MetricType::Gauge);
    FamilyBuilder rsv(out, "node_btrfs_global_rsv_size_bytes", "Size of global reserve.",
                      MetricType::Gauge);
    FamilyBuilder device_size(out, "node_btrfs_device_size_bytes",
                              "Size of a device that is part of the filesystem.",
                              MetricType::Gauge);
    FamilyBuilder reserved(out, "node_btrfs_reserved_bytes",
                           "Amount of space reserved for a data type", MetricType::Gauge);
    FamilyBuilder size(out, "node_btrfs_size_bytes",
                       "Amount of space allocated for a layout/data type", MetricType::Gauge);
    FamilyBuilder used(out, "node_btrfs_used_bytes", "Amount of used space by a layout/data type",
                       MetricType::Gauge);
    FamilyBuilder ratio(out, "node_btrfs_allocation_ratio",
                        "Data allocation ratio for a layout/data type", MetricType::Gauge);
    for (const auto& name : filesystems) {
      const auto fs = dir_ / name;
      std::string uuid = read_text(fs / "metadata_uuid").value_or("");
      if (uuid.empty()) uuid = name;
      info.add({{"label", read_text(fs / "label").value_or("")}, {"uuid", uuid}}, 1);
      rsv.add({{"uuid", uuid}}, value_or_zero(fs / "allocation/global_rsv_size"));
      const auto devices = list_dir(fs / "devices");
      for (const auto& device : devices) {
        device_size.add({{"device", device}, {"uuid", uuid}},
                        512 * value_or_zero(fs / "devices" / device / "size"));
      }
      for (const char* type : kBlockGroupTypes) {
        const auto group = fs / "allocation" / type;
        reserved.add({{"block_group_type", type}, {"uuid", uuid}},
                     value_or_zero(group / "bytes_reserved"));
        for (const auto& profile : list_dir(group)) {
          if (!std::filesystem::is_directory(group / profile)) continue;
          const Labels labels = {{"block_group_type", type}, {"mode", profile}, {"uuid", uuid}};
          size.add(labels, value_or_zero(group / profile / "total_bytes"));
          used.add(labels, value_or_zero(group / profile / "used_bytes"));
          ratio.add(labels, allocation_ratio(profile, static_cast<double>(devices.size())));
        }
      }
    }
  }

 private:
  std::filesystem::path dir_;
};

}  // namespace

std::unique_ptr<Collector> make_btrfs_collector(const Paths& paths) {
  return std::make_unique<BtrfsCollector>(paths);
}

}  // namespace sahab::agent
