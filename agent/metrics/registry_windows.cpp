// The Windows agent's collector list (registry.cpp is the Linux one), with windows_exporter's
// names and default on/off state for the collectors it shares with it.
#include "agent/metrics/registry.h"
#include "agent/metrics/windows_collectors.h"

namespace sahab::agent {

const std::vector<CollectorInfo>& known_collectors() {
  static const std::vector<CollectorInfo> collectors = {
      {"cpu", true, "CPU time per logical processor and mode", windows::make_cpu_collector},
      {"logical_disk", true, "size and free space of fixed volumes",
       windows::make_logical_disk_collector},
      {"memory", true, "physical memory, commit charge, cache and pools",
       windows::make_memory_collector},
      {"net", true, "traffic, packets and errors per network interface",
       windows::make_net_collector},
      {"os", true, "Windows version, memory, processes, time and timezone",
       windows::make_os_collector},
      {"service", false, "state of every Win32 service (off by default, as windows_exporter)",
       windows::make_service_collector},
      {"system", true, "boot time, context switches, system calls and threads",
       windows::make_system_collector},
  };
  return collectors;
}

}  // namespace sahab::agent
