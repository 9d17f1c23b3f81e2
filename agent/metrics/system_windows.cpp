// windows_system_*: the boot time from GetTickCount64, context switches and system calls from
// NtQuerySystemInformation (SystemPerformanceInformation), threads from GetPerformanceInfo.
// The processor queue length exists only as a performance counter (PDH): not reported yet.
#include <windows.h>
// psapi.h and winternl.h need windows.h first.
#include <psapi.h>
#include <winternl.h>

#include "agent/metrics/windows_collectors.h"
#include "agent/metrics/windows_readings.h"

namespace sahab::agent::windows {
namespace {

SystemReading read_system() {
  SystemReading system;
  system.boot_unix_time = unix_now() - static_cast<double>(GetTickCount64()) / 1000;
  SYSTEM_PERFORMANCE_INFORMATION performance{};
  const NTSTATUS status = NtQuerySystemInformation(SystemPerformanceInformation, &performance,
                                                   sizeof performance, nullptr);
  if (status < 0)
    throw CollectorError("NtQuerySystemInformation(performance) failed: status " +
                         std::to_string(static_cast<unsigned long>(status)));
  // 32-bit counters in this structure: they wrap, which rate() takes as a counter reset.
  system.context_switches = performance.ContextSwitches;
  system.system_calls = performance.SystemCalls;
  PERFORMANCE_INFORMATION counts{};
  if (GetPerformanceInfo(&counts, sizeof counts)) system.threads = counts.ThreadCount;
  return system;
}

}  // namespace

std::unique_ptr<Collector> make_system_collector(const Paths&) {
  return std::make_unique<FunctionCollector>(
      [](MetricFamilies& out) { add_system_families(out, read_system()); });
}

}  // namespace sahab::agent::windows
