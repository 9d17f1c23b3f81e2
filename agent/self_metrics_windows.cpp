// process_* of the agent itself from GetProcessTimes and GetProcessMemoryInfo (the Windows side of
// ProcessMetrics), with the meanings Prometheus' Go client gives them on Windows: the working set
// is the resident memory, the private bytes the virtual memory.
#include <windows.h>
// psapi.h needs windows.h first.
#include <psapi.h>

#include "agent/metrics/metric_builder.h"
#include "agent/metrics/windows_families.h"
#include "agent/self_metrics.h"

namespace sahab::agent {
namespace {

std::uint64_t ticks_of(const FILETIME& time) {
  return (static_cast<std::uint64_t>(time.dwHighDateTime) << 32) | time.dwLowDateTime;
}

}  // namespace

void ProcessMetrics::collect(Exposition& out) const {
  FILETIME created, exited, kernel, user;
  PROCESS_MEMORY_COUNTERS_EX memory{};
  memory.cb = sizeof memory;
  if (!GetProcessTimes(GetCurrentProcess(), &created, &exited, &kernel, &user) ||
      !GetProcessMemoryInfo(GetCurrentProcess(),
                            reinterpret_cast<PROCESS_MEMORY_COUNTERS*>(&memory), sizeof memory))
    return;
  add_counter(out, "process_cpu_seconds_total", "Total user and system CPU time spent in seconds.",
              windows::ticks_to_seconds(ticks_of(kernel) + ticks_of(user)));
  add_gauge(out, "process_resident_memory_bytes", "Resident memory size in bytes.",
            static_cast<double>(memory.WorkingSetSize));
  add_gauge(out, "process_virtual_memory_bytes", "Virtual memory size in bytes.",
            static_cast<double>(memory.PrivateUsage));
  return;
}

}  // namespace sahab::agent
