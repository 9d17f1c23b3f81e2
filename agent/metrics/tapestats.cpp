// tapestats: node_tape_*{device} for SCSI tape drives from /sys/class/scsi_tape/st*/stats, as
// node_exporter 1.5's collector/tapestats_linux.go (the nst*, st*a, st*l, st*m aliases of a drive
// are left out; nanoseconds become seconds). Honours --collector.tapestats.ignored-devices.
// Without tape drives there is no data (silently).
#include <array>
#include <regex>
#include <string>

#include "agent/metrics/collector.h"
#include "agent/metrics/exclude_pattern.h"
#include "agent/metrics/metric_builder.h"
#include "agent/metrics/registry.h"
#include "agent/metrics/sysfs.h"

namespace sahab::agent {
namespace {

struct Statistic {
  const char* metric;
  const char* file;
  double divisor;
  const char* help;
};

constexpr std::array<Statistic, 10> kStatistics = {{
    {"io_now", "in_flight", 1, "The number of I/Os currently outstanding to this device."},
    {"io_time_seconds_total", "io_ns", 1e9,
     "The amount of time spent waiting for all I/O to complete (including read and write). This "
     "includes tape movement commands such as seeking between file or set marks and implicit tape "
     "movement such as when rewind on close tape devices are used."},
    {"io_others_total", "other_cnt", 1,
     "The number of I/Os issued to the tape drive other than read or write commands. The time "
     "taken to complete these commands uses the following calculation "
     "io_time_seconds_total-read_time_seconds_total-write_time_seconds_total"},
    {"read_bytes_total", "read_byte_cnt", 1, "The number of bytes read from the tape drive."},
    {"reads_completed_total", "read_cnt", 1,
     "The number of read requests issued to the tape drive."},
    {"read_time_seconds_total", "read_ns", 1e9,
     "The amount of time spent waiting for read requests to complete."},
    {"residual_total", "resid_cnt", 1,
     "The number of times during a read or write we found the residual amount to be non-zero. "
     "This should mean that a program is issuing a read larger thean the block size on tape. For "
     "write not all data made it to tape."},
    {"written_bytes_total", "write_byte_cnt", 1, "The number of bytes written to the tape drive."},
    {"writes_completed_total", "write_cnt", 1,
     "The number of write requests issued to the tape drive."},
    {"write_time_seconds_total", "write_ns", 1e9,
     "The amount of time spent waiting for write requests to complete."},
}};

class TapestatsCollector : public Collector {
 public:
  explicit TapestatsCollector(const Paths& paths)
      : dir_(paths.sys("class/scsi_tape")), ignored_(paths.options.tapestats_ignored_devices) {}

  void collect(Exposition& out) const override {
    if (!std::filesystem::is_directory(dir_)) return out.no_data();
    static const std::regex drive("^st[0-9]+$");
    std::vector<std::string> devices;
    for (const auto& name : list_dir(dir_)) {
      if (std::regex_match(name, drive) && !ignored_.excludes(name)) devices.push_back(name);
    }
    for (const auto& statistic : kStatistics) {
      FamilyBuilder family(out, std::string("node_tape_") + statistic.metric, statistic.help,
                           std::string_view(statistic.metric).ends_with("_total")
                               ? prometheus::MetricType::Counter
                               : prometheus::MetricType::Gauge);
      for (const auto& device : devices) {
        const auto value = read_number(dir_ / device / "stats" / statistic.file);
        if (value) family.add({{"device", device}}, *value / statistic.divisor);
      }
    }
  }

 private:
  std::filesystem::path dir_;
  ExcludePattern ignored_;
};

}  // namespace

std::unique_ptr<Collector> make_tapestats_collector(const Paths& paths) {
  return std::make_unique<TapestatsCollector>(paths);
}

}  // namespace sahab::agent
