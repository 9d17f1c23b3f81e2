// windows_cpu_*: per-processor times from NtQuerySystemInformation
// (SystemProcessorPerformanceInformation), the source of Task Manager's figures; no WMI, no PDH.
#include <windows.h>
#include <winternl.h>

#include "agent/metrics/windows_collectors.h"
#include "agent/metrics/windows_readings.h"

namespace sahab::agent::windows {
namespace {

std::uint64_t ticks(const LARGE_INTEGER& value) {
  return value.QuadPart > 0 ? static_cast<std::uint64_t>(value.QuadPart) : 0;
}

// The processors of the calling thread's processor group (up to 64, group 0 on machines with
// fewer): the information class answers for that group only.
std::vector<CoreTimes> read_cores() {
  SYSTEM_INFO info;
  GetSystemInfo(&info);
  std::vector<SYSTEM_PROCESSOR_PERFORMANCE_INFORMATION> rows(info.dwNumberOfProcessors);
  ULONG returned = 0;
  const NTSTATUS status =
      NtQuerySystemInformation(SystemProcessorPerformanceInformation, rows.data(),
                               static_cast<ULONG>(rows.size() * sizeof rows[0]), &returned);
  if (status < 0)
    throw CollectorError("NtQuerySystemInformation(processor performance) failed: status " +
                         std::to_string(static_cast<unsigned long>(status)));
  rows.resize(returned / sizeof rows[0]);
  std::vector<CoreTimes> cores;
  for (unsigned i = 0; i < rows.size(); ++i) {
    const auto& row = rows[i];
    // Reserved1 holds DpcTime and InterruptTime, Reserved2 InterruptCount (the documented
    // layout's undocumented fields).
    cores.push_back({0, i, ticks(row.IdleTime), ticks(row.KernelTime), ticks(row.UserTime),
                     ticks(row.Reserved1[0]), ticks(row.Reserved1[1]), row.Reserved2});
  }
  return cores;
}

}  // namespace

std::unique_ptr<Collector> make_cpu_collector(const Paths&) {
  return std::make_unique<FunctionCollector>(
      [](Exposition& out) { add_cpu_families(out, read_cores()); });
}

}  // namespace sahab::agent::windows
