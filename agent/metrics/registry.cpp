#include "agent/metrics/registry.h"

namespace sahab::agent {

const std::vector<CollectorInfo>& known_collectors() {
  static const std::vector<CollectorInfo> collectors = {
      {"cpu", true, "CPU time per mode from /proc/stat", make_cpu_collector},
      {"diskstats", true, "block device I/O statistics from /proc/diskstats",
       make_diskstats_collector},
      {"dmi", true, "firmware, board and product identification from /sys/class/dmi/id",
       make_dmi_collector},
      {"filesystem", true, "size and free space of mounted filesystems (statfs)",
       make_filesystem_collector},
      {"loadavg", true, "load averages from /proc/loadavg", make_loadavg_collector},
      {"meminfo", true, "memory statistics from /proc/meminfo", make_meminfo_collector},
      {"netdev", true, "network interface statistics from /proc/net/dev", make_netdev_collector},
      {"os", true, "operating system name and version from os-release", make_os_collector},
      {"processes", false, "process and thread counts by state from /proc/<pid>/stat",
       make_processes_collector},
      {"stat", true, "boot time, context switches, forks, interrupts from /proc/stat",
       make_stat_collector},
      {"tcpstat", false, "TCP connection states from /proc/net/tcp{,6}", make_tcpstat_collector},
      {"time", true, "system time, time zone offset and clocksources", make_time_collector},
      {"uname", true, "kernel name, release, version, machine, host name", make_uname_collector},
  };
  return collectors;
}

const CollectorInfo* find_collector(const std::string& name) {
  for (const auto& info : known_collectors()) {
    if (info.name == name) return &info;
  }
  return nullptr;
}

}  // namespace sahab::agent
