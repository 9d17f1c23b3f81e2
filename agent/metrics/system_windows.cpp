// windows_system_*: the boot time from GetTickCount64, context switches and system calls from
// NtQuerySystemInformation (SystemPerformanceInformation), threads from GetPerformanceInfo.
// The processor queue length: the ready threads of
// NtQuerySystemInformation(SystemProcessInformation) (count_ready_threads), which is what the
// performance counter counts, without PDH.
#include <windows.h>
// psapi.h and winternl.h need windows.h first.
#include <psapi.h>
#include <winternl.h>

#include <vector>

#include "agent/metrics/windows_collectors.h"
#include "agent/metrics/windows_readings.h"

namespace sahab::agent::windows {
namespace {

// The process and thread list, in a buffer grown as the API asks (processes come and go between
// two calls: a few tries); empty when it cannot be read.
std::vector<unsigned char> process_information() {
  std::vector<unsigned char> buffer(512 * 1024);
  for (int attempt = 0; attempt < 4; ++attempt) {
    ULONG needed = 0;
    const NTSTATUS status = NtQuerySystemInformation(SystemProcessInformation, buffer.data(),
                                                     static_cast<ULONG>(buffer.size()), &needed);
    if (status >= 0) return buffer;
    if (needed == 0 || needed > 64u << 20) break;  // not a size problem, or absurd
    buffer.resize(needed + 64 * 1024);
  }
  return {};
}

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
  system.processor_queue_length = count_ready_threads(process_information());
  return system;
}

}  // namespace

std::unique_ptr<Collector> make_system_collector(const Paths&) {
  return std::make_unique<FunctionCollector>(
      [](Exposition& out) { add_system_families(out, read_system()); });
}

}  // namespace sahab::agent::windows
