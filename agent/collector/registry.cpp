#include "agent/collector/registry.h"

namespace sahab::agent {

const std::vector<CollectorInfo>& known_collectors() {
  static const std::vector<CollectorInfo> collectors = {
      {"cpu", true, "CPU time per mode from /proc/stat", make_cpu_collector},
      {"loadavg", true, "load averages from /proc/loadavg", make_loadavg_collector},
      {"meminfo", true, "memory statistics from /proc/meminfo", make_meminfo_collector},
      {"filesystem", true, "size and free space of mounted filesystems (statfs)",
       make_filesystem_collector},
      {"diskstats", true, "block device I/O statistics from /proc/diskstats",
       make_diskstats_collector},
      {"netdev", true, "network interface statistics from /proc/net/dev", make_netdev_collector},
      {"tcpstat", false, "TCP connection states from /proc/net/tcp{,6}", make_tcpstat_collector},
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
