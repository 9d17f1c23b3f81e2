#pragma once
// The interface every metrics collector implements, modelled on node_exporter's collector/:
// one small class per file, reading /proc and /sys at scrape time.
#include <prometheus/metric_family.h>

#include <chrono>
#include <filesystem>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

namespace sahab::agent {

// Options of the collectors that take any, named after node_exporter 1.5's
// --collector.<name>.<option> flags, with their defaults. Patterns are ECMAScript regular
// expressions searched in the value, as node_exporter's Go regexps (MatchString).
struct CollectorOptions {
  std::string filesystem_mount_points_exclude =
      R"(^/(dev|proc|run/credentials/.+|sys|var/lib/docker/.+|var/lib/containers/storage/.+)($|/))";
  std::string filesystem_fs_types_exclude =
      "^(autofs|binfmt_misc|bpf|cgroup2?|configfs|debugfs|devpts|devtmpfs|fusectl|hugetlbfs|"
      "iso9660|mqueue|nsfs|overlay|proc|procfs|pstore|rpc_pipefs|securityfs|selinuxfs|squashfs|"
      "sysfs|tracefs)$";
  // How long statfs() on one mount may take before the mount is reported as failing and skipped
  // until that call returns (a dead NFS server must not hang every scrape).
  std::chrono::milliseconds filesystem_mount_timeout{5000};
  std::string diskstats_device_exclude = R"(^(ram|loop|fd|(h|s|v|xv)d[a-z]|nvme\d+n\d+p)\d+$)";
  // Debian's node_exporter 1.5 leaves out the loopback device by default; so do we.
  std::string netdev_device_exclude = "^lo$";
  std::string netclass_ignored_devices = "^$";
  std::string powersupply_ignored_supplies = "^$";
  std::string tapestats_ignored_devices = "^$";
  std::string ipvs_backend_labels =
      "local_address,local_port,remote_address,remote_port,proto,local_mark";
  // Fields kept by default: those the common dashboards and alerts use.
  std::string vmstat_fields = "^(oom_kill|pgpg|pswp|pg.*fault).*";
  std::string netstat_fields =
      "^(.*_(InErrors|InErrs)|Ip_Forwarding|Ip(6|Ext)_(InOctets|OutOctets)|Icmp6?_(InMsgs|OutMsgs)|"
      "TcpExt_(Listen.*|Syncookies.*|TCPSynRetrans|TCPTimeouts)|"
      "Tcp_(ActiveOpens|InSegs|OutSegs|OutRsts|PassiveOpens|RetransSegs|CurrEstab)|"
      "Udp6?_(InDatagrams|OutDatagrams|NoPorts|RcvbufErrors|SndbufErrors))$";
  // --collector.bcache.priorityStats: the cache devices' priority_stats (costly for the kernel).
  bool bcache_priority_stats = false;
  // Units whose state the systemd collector reports: matching include, not matching exclude
  // (whole names); Debian's node_exporter 1.5 defaults.
  std::string systemd_unit_include = ".+";
  std::string systemd_unit_exclude = R"(.+\.(automount|device|mount|scope|slice|target))";
  bool systemd_enable_task_metrics = false;
  bool systemd_enable_restarts_metrics = false;
  bool systemd_enable_start_time_metrics = false;
  // Debian's default; upstream's is empty (the collector then reads nothing).
  std::filesystem::path textfile_directory = "/var/lib/prometheus/node-exporter";
};

// Roots of the filesystems collectors read; tests point them at fixture trees. The collectors'
// options travel with them, so every factory keeps the make_<name>_collector(const Paths&) shape.
struct Paths {
  Paths() = default;
  Paths(std::filesystem::path procfs_root, std::filesystem::path sysfs_root,
        std::filesystem::path rootfs_root)
      : procfs(std::move(procfs_root)),
        sysfs(std::move(sysfs_root)),
        rootfs(std::move(rootfs_root)) {}

  std::filesystem::path procfs = "/proc";
  std::filesystem::path sysfs = "/sys";
  std::filesystem::path rootfs = "/";
  CollectorOptions options;

  std::filesystem::path proc(const std::string& relative) const { return procfs / relative; }
  std::filesystem::path sys(const std::string& relative) const { return sysfs / relative; }
  // A path on the host's root filesystem, e.g. rootfs("etc/os-release").
  std::filesystem::path root(const std::string& relative) const { return rootfs / relative; }
};

// Thrown by a collector that cannot produce its metrics; the scrape reports success=0 for it.
class CollectorError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// Thrown where a helper deep in a collector finds the subsystem absent (systemd without a system
// bus): the scrape reports success=0, and nothing is logged. A collector that can say so where it
// looks (no /sys/class/hwmon) calls Exposition::no_data() instead: a throw on every scrape of the
// ~14 collectors whose subsystem a machine lacks cost ~2 % of a scrape (docs/benchmarks.md).
class NoDataError : public CollectorError {
 public:
  using CollectorError::CollectorError;
};

class FamilyBuilder;

// Where a collector writes its samples: the Prometheus text format (0.0.4), straight into the
// scrape's text, with no prometheus::MetricFamily tree in between (a scrape filled and freed
// ~2,800 allocations of those, ~11 % of its time). Families are written with FamilyBuilder
// (metric_builder.h).
class Exposition {
 public:
  explicit Exposition(std::string& text) : text_(text) {}
  Exposition(const Exposition&) = delete;
  Exposition& operator=(const Exposition&) = delete;

  // The subsystem is absent on this machine (no ZFS, no bonding, no RAPL): the scrape reports
  // success=0 for the collector and drops what it wrote, as node_exporter's ErrNoData, silently.
  void no_data() { no_data_ = true; }
  bool reported_no_data() const { return no_data_; }

  // The subsystem is absent, and node_exporter reports success for it all the same (it finds no
  // files rather than an error: a virtual machine without cpufreq, no bcache, no EDAC): success
  // 1 and nothing written. Like no_data(), it is looked for again only after a while
  // (NodeCollector::kAbsentRecheck), not at every scrape.
  void found_nothing() { found_nothing_ = true; }
  bool reported_found_nothing() const { return found_nothing_; }

  // A whole family from prometheus-cpp's data model (textfile's parsed files).
  void family(const prometheus::MetricFamily& family);

 private:
  friend class FamilyBuilder;
  // Where a family goes when it is complete: the text, or aside while another builder writes
  // straight into the text (its samples must stay together).
  std::string& finished_families() { return writing_ ? aside_ : text_; }

  std::string& text_;
  const FamilyBuilder* writing_ = nullptr;  // the builder writing straight into text_
  std::string aside_;                       // families completed while `writing_` was open
  bool no_data_ = false;
  bool found_nothing_ = false;
};

class Collector {
 public:
  virtual ~Collector() = default;
  // Writes this collector's families to `out`. May be called from several threads at once
  // (each with its own `out`). Throws (CollectorError, FileError, ...) on failure.
  virtual void collect(Exposition& out) const = 0;
};

}  // namespace sahab::agent
