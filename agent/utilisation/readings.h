#pragma once
// One reading of the system's utilisation counters, and the sample (ratios and rates) computed
// from two readings. take_reading is the platform's (readings_linux.cpp: /proc and statvfs;
// readings_windows.cpp: GetSystemTimes, GlobalMemoryStatusEx, the volumes and GetIfTable2); the
// rest is shared, so both agents summarise alike. A reading costs a few small reads.
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>

#include "agent/metrics/collector.h"

namespace sahab::agent::utilisation {

// In the platform's unit (Linux: jiffies, not idle and not waiting for I/O; guest time is already
// inside user time. Windows: 100 ns ticks, kernel and user time less idle): only ratios are used.
struct CpuTimes {
  std::uint64_t busy = 0;
  std::uint64_t total = 0;
};

struct MemoryFigures {
  std::uint64_t total = 0, available = 0, swap_total = 0, swap_free = 0;
  bool swap_known = true;  // false when the platform did not say (no swap_ratio then)
};

struct DiskCounters {
  std::uint64_t reads = 0, writes = 0, read_bytes = 0, write_bytes = 0;
};

struct NetworkCounters {
  std::uint64_t receive_bytes = 0, transmit_bytes = 0;
};

// The Linux sources' parsers (readings_linux.cpp); nullopt when the content lacks what they need.
std::optional<CpuTimes> parse_cpu_times(std::string_view proc_stat);
std::optional<MemoryFigures> parse_memory(std::string_view proc_meminfo);
// Whole physical disks only (no partitions, loop, ram, device-mapper or md devices, which would
// count the same I/O twice).
std::optional<DiskCounters> parse_diskstats(std::string_view proc_diskstats);
// Every interface but loopback.
std::optional<NetworkCounters> parse_net_dev(std::string_view proc_net_dev);
bool whole_disk(std::string_view name);

// Seconds on a clock that never goes back (std::chrono::steady_clock), for the rates.
double monotonic_seconds();

struct Reading {
  double monotonic_seconds = 0;
  std::optional<CpuTimes> cpu;
  std::optional<MemoryFigures> memory;
  std::optional<DiskCounters> disk;
  std::optional<NetworkCounters> network;
  std::optional<double> filesystem_used_ratio;  // the fullest local filesystem
};

// The platform's counters now; a source that cannot be read leaves its member empty.
Reading take_reading(const Paths& paths);

// The metrics of docs/agent-report-format.md ("Utilisation summaries") between two readings.
// A metric is absent when either reading lacks it or a counter went backwards (reset, wrap).
std::map<std::string, double> sample_between(const Reading& previous, const Reading& current);

}  // namespace sahab::agent::utilisation
