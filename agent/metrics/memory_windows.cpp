// windows_memory_*: GlobalMemoryStatusEx and GetPerformanceInfo (no WMI, no PDH).
#include <windows.h>
// psapi.h needs windows.h first.
#include <psapi.h>

#include <chrono>

#include "agent/metrics/windows_collectors.h"
#include "agent/metrics/windows_readings.h"

namespace sahab::agent::windows {

MemoryReading read_memory() {
  MEMORYSTATUSEX status{};
  status.dwLength = sizeof status;
  if (!GlobalMemoryStatusEx(&status))
    throw CollectorError("GlobalMemoryStatusEx failed: error " + std::to_string(GetLastError()));
  PERFORMANCE_INFORMATION performance{};
  if (!GetPerformanceInfo(&performance, sizeof performance))
    throw CollectorError("GetPerformanceInfo failed: error " + std::to_string(GetLastError()));
  const std::uint64_t page = performance.PageSize;
  MemoryReading reading;
  reading.physical_total = status.ullTotalPhys;
  reading.physical_available = status.ullAvailPhys;
  reading.commit_limit = status.ullTotalPageFile;
  reading.commit_available = status.ullAvailPageFile;
  reading.committed = performance.CommitTotal * page;
  reading.system_cache = performance.SystemCache * page;
  reading.pool_paged = performance.KernelPaged * page;
  reading.pool_nonpaged = performance.KernelNonpaged * page;
  reading.process_virtual_limit = status.ullTotalVirtual;
  return reading;
}

double unix_now() {
  using namespace std::chrono;
  return duration<double>(system_clock::now().time_since_epoch()).count();
}

std::unique_ptr<Collector> make_memory_collector(const Paths&) {
  return std::make_unique<FunctionCollector>(
      [](Exposition& out) { add_memory_families(out, read_memory()); });
}

}  // namespace sahab::agent::windows
