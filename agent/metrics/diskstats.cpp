// diskstats: the node_disk_* family of node_exporter 1.5 (collector/diskstats_linux.go) from
// /proc/diskstats, with its --collector.diskstats.device-exclude filter, plus the info series it
// builds from udev's database (<rootfs>/run/udev/data/b<major>:<minor>): node_disk_info,
// node_disk_filesystem_info, node_disk_device_mapper_info and node_disk_ata_*.
#include <array>
#include <optional>
#include <string>
#include <vector>

#include "agent/metrics/collector.h"
#include "agent/metrics/exclude_pattern.h"
#include "agent/metrics/metric_builder.h"
#include "agent/metrics/pseudo_files.h"
#include "agent/metrics/registry.h"
#include "common/file.h"
#include "common/text.h"

namespace sahab::agent {
namespace {

// /proc/diskstats counts sectors of 512 bytes whatever the device, and times in milliseconds.
constexpr double kSectorBytes = 512.0;
constexpr double kSecondsPerMs = 0.001;

struct Field {
  const char* name;
  const char* help;
  prometheus::MetricType type;
  double scale;
};

// The statistics after "major minor name", in the kernel's order (Documentation/admin-guide/
// iostats.rst). Kernels before 4.18 have the first 11, before 5.5 the first 15.
constexpr auto kCounter = prometheus::MetricType::Counter;
constexpr std::array<Field, 17> kFields = {{
    {"reads_completed_total", "The total number of reads completed successfully.", kCounter, 1},
    {"reads_merged_total", "The total number of reads merged.", kCounter, 1},
    {"read_bytes_total", "The total number of bytes read successfully.", kCounter, kSectorBytes},
    {"read_time_seconds_total", "The total number of seconds spent by all reads.", kCounter,
     kSecondsPerMs},
    {"writes_completed_total", "The total number of writes completed successfully.", kCounter, 1},
    {"writes_merged_total", "The number of writes merged.", kCounter, 1},
    {"written_bytes_total", "The total number of bytes written successfully.", kCounter,
     kSectorBytes},
    {"write_time_seconds_total", "This is the total number of seconds spent by all writes.",
     kCounter, kSecondsPerMs},
    {"io_now", "The number of I/Os currently in progress.", prometheus::MetricType::Gauge, 1},
    {"io_time_seconds_total", "Total seconds spent doing I/Os.", kCounter, kSecondsPerMs},
    {"io_time_weighted_seconds_total", "The weighted # of seconds spent doing I/Os.", kCounter,
     kSecondsPerMs},
    {"discards_completed_total", "The total number of discards completed successfully.", kCounter,
     1},
    {"discards_merged_total", "The total number of discards merged.", kCounter, 1},
    {"discarded_sectors_total", "The total number of sectors discarded successfully.", kCounter, 1},
    {"discard_time_seconds_total", "This is the total number of seconds spent by all discards.",
     kCounter, kSecondsPerMs},
    {"flush_requests_total", "The total number of flush requests completed successfully", kCounter,
     1},
    {"flush_requests_time_seconds_total",
     "This is the total number of seconds spent by all flush requests.", kCounter, kSecondsPerMs},
}};
constexpr size_t kMinFields = 11;

struct Disk {
  std::string device;
  std::string major;
  std::string minor;
  std::array<double, kFields.size()> values{};
  size_t count = 0;  // how many of kFields this kernel reports
};

// The "E:KEY=VALUE" properties of one device in udev's database, viewed in place.
class UdevProperties {
 public:
  explicit UdevProperties(std::optional<std::string> content)
      : content_(std::move(content).value_or("")) {}

  std::string get(std::string_view key) const {
    std::string value;
    text::for_each_line(content_, [&](std::string_view line) {
      if (line.size() > key.size() + 3 && line.starts_with("E:") &&
          line.substr(2, key.size()) == key && line[key.size() + 2] == '=') {
        value = line.substr(key.size() + 3);
      }
    });
    return value;
  }

 private:
  std::string content_;
};

class DiskstatsCollector : public Collector {
 public:
  explicit DiskstatsCollector(const Paths& paths)
      : diskstats_(paths.proc("diskstats")),
        udev_data_(paths.root("run/udev/data")),
        exclude_(paths.options.diskstats_device_exclude) {}

  void collect(Exposition& out) const override {
    const std::vector<Disk> disks = parse(read_pseudo_file(diskstats_));
    for (size_t i = 0; i < kFields.size(); ++i) {
      FamilyBuilder family(out, std::string("node_disk_") + kFields[i].name, kFields[i].help,
                           kFields[i].type);
      for (const Disk& disk : disks) {
        if (i < disk.count) family.add({{"device", disk.device}}, disk.values[i]);
      }
    }
    add_udev_info(out, disks);
  }

 private:
  std::vector<Disk> parse(const std::string& content) const {
    std::vector<Disk> disks;
    size_t line_number = 0;
    text::for_each_line(content, [&](std::string_view line) {
      ++line_number;
      const auto f = text::fields(line);
      if (f.empty()) return;
      if (f.size() < 3 + kMinFields || f.size() > 3 + kFields.size()) {
        fail(line_number, "expected 14 to 20 fields, got " + std::to_string(f.size()));
      }
      Disk disk{std::string(f[2]), std::string(f[0]), std::string(f[1]), {}, f.size() - 3};
      if (exclude_.excludes(disk.device)) return;
      for (size_t i = 0; i < disk.count; ++i) {
        const auto value = text::to_u64(f[i + 3]);
        if (!value) fail(line_number, "bad number '" + std::string(f[i + 3]) + "'");
        disk.values[i] = static_cast<double>(*value) * kFields[i].scale;
      }
      disks.push_back(std::move(disk));
    });
    return disks;
  }

  // One udev file per device; absent files (no udev, as in containers) give empty labels, as
  // node_exporter does.
  void add_udev_info(Exposition& out, const std::vector<Disk>& disks) const {
    using prometheus::MetricType;
    FamilyBuilder info(out, "node_disk_info", "Info of /sys/block/<block_device>.",
                       MetricType::Gauge);
    FamilyBuilder filesystem(out, "node_disk_filesystem_info", "Info about disk filesystem.",
                             MetricType::Gauge);
    FamilyBuilder mapper(out, "node_disk_device_mapper_info", "Info about disk device mapper.",
                         MetricType::Gauge);
    FamilyBuilder rotation(out, "node_disk_ata_rotation_rate_rpm",
                           "ATA disk rotation rate in RPMs (0 for SSDs).", MetricType::Gauge);
    FamilyBuilder write_cache(out, "node_disk_ata_write_cache", "ATA disk has a write cache.",
                              MetricType::Gauge);
    FamilyBuilder write_cache_enabled(out, "node_disk_ata_write_cache_enabled",
                                      "ATA disk has its write cache enabled.", MetricType::Gauge);
    for (const Disk& disk : disks) {
      const UdevProperties udev(try_read_file(udev_data_ / ("b" + disk.major + ":" + disk.minor)));
      info.add({{"device", disk.device},
                {"major", disk.major},
                {"minor", disk.minor},
                {"model", udev.get("ID_MODEL")},
                {"path", udev.get("ID_PATH")},
                {"revision", udev.get("ID_REVISION")},
                {"serial", udev.get("ID_SERIAL_SHORT")},
                {"wwn", udev.get("ID_WWN")}},
               1);
      if (const auto type = udev.get("ID_FS_TYPE"); !type.empty()) {
        filesystem.add({{"device", disk.device},
                        {"type", type},
                        {"usage", udev.get("ID_FS_USAGE")},
                        {"uuid", udev.get("ID_FS_UUID")},
                        {"version", udev.get("ID_FS_VERSION")}},
                       1);
      }
      if (const auto name = udev.get("DM_NAME"); !name.empty()) {
        mapper.add({{"device", disk.device},
                    {"lv_layer", udev.get("DM_LV_LAYER")},
                    {"lv_name", udev.get("DM_LV_NAME")},
                    {"name", name},
                    {"uuid", udev.get("DM_UUID")},
                    {"vg_name", udev.get("DM_VG_NAME")}},
                   1);
      }
      if (!udev.get("ID_ATA").empty()) {
        add_number(rotation, disk, udev.get("ID_ATA_ROTATION_RATE_RPM"));
        add_number(write_cache, disk, udev.get("ID_ATA_WRITE_CACHE"));
        add_number(write_cache_enabled, disk, udev.get("ID_ATA_WRITE_CACHE_ENABLED"));
      }
    }
  }

  static void add_number(FamilyBuilder& family, const Disk& disk, const std::string& text) {
    if (const auto value = text::to_double(text)) family.add({{"device", disk.device}}, *value);
  }

  [[noreturn]] void fail(size_t line_number, const std::string& why) const {
    throw CollectorError(diskstats_.string() + ":" + std::to_string(line_number) + ": " + why);
  }

  std::filesystem::path diskstats_;
  std::filesystem::path udev_data_;
  ExcludePattern exclude_;
};

}  // namespace

std::unique_ptr<Collector> make_diskstats_collector(const Paths& paths) {
  return std::make_unique<DiskstatsCollector>(paths);
}

}  // namespace sahab::agent
