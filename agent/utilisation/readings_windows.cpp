// The Windows sources of the utilisation readings: GetSystemTimes, GlobalMemoryStatusEx (through
// the memory collector's reading), the paging files of NtQuerySystemInformation, and the volumes
// and interfaces the logical_disk and net collectors read. No WMI, no PDH.
#include <windows.h>
// winternl.h needs windows.h first.
#include <winternl.h>

#include <algorithm>
#include <vector>

#include "agent/metrics/windows_readings.h"
#include "agent/utilisation/readings.h"

namespace sahab::agent::utilisation {
namespace {

std::uint64_t ticks_of(const FILETIME& time) {
  return (static_cast<std::uint64_t>(time.dwHighDateTime) << 32) | time.dwLowDateTime;
}

// Kernel time includes idle time, as Windows reports it.
std::optional<CpuTimes> read_cpu() {
  FILETIME idle, kernel, user;
  if (!GetSystemTimes(&idle, &kernel, &user)) return std::nullopt;
  const std::uint64_t total = ticks_of(kernel) + ticks_of(user);
  return CpuTimes{total - std::min(ticks_of(idle), total), total};
}

// The paging files as swap; swap_known stays false when Windows does not describe them
// (SystemPageFileInformation, 18: mingw-w64's winternl.h does not name it).
void read_paging_files(MemoryFigures& m) {
  std::vector<unsigned char> buffer(16 * 1024);
  ULONG returned = 0;
  if (NtQuerySystemInformation(static_cast<SYSTEM_INFORMATION_CLASS>(18), buffer.data(),
                               static_cast<ULONG>(buffer.size()), &returned) < 0)
    return;
  SYSTEM_INFO system;
  GetSystemInfo(&system);
  buffer.resize(std::min<std::size_t>(returned, buffer.size()));
  const auto files = windows::paging_files(buffer, system.dwPageSize);
  m.swap_total = files.total_bytes;
  m.swap_free = files.total_bytes - files.used_bytes;
  m.swap_known = true;
}

std::optional<MemoryFigures> read_memory_figures() {
  MemoryFigures m;
  try {
    const auto reading = windows::read_memory();
    m.total = reading.physical_total;
    m.available = reading.physical_available;
  } catch (const CollectorError&) {
    return std::nullopt;
  }
  if (m.total == 0) return std::nullopt;
  m.swap_known = false;
  read_paging_files(m);
  return m;
}

// Volumes without counters (Wine keeps none) add nothing; none with counters gives no reading.
void add_volumes(const std::vector<windows::VolumeReading>& volumes, Reading& r) {
  DiskCounters d;
  bool any = false;
  for (const auto& volume : volumes) {
    if (volume.size_bytes > 0) {
      const auto used = volume.size_bytes - std::min(volume.free_bytes, volume.size_bytes);
      const double ratio = static_cast<double>(used) / static_cast<double>(volume.size_bytes);
      r.filesystem_used_ratio = std::max(r.filesystem_used_ratio.value_or(0.0), ratio);
    }
    if (!volume.io) continue;
    d.reads += volume.io->reads;
    d.writes += volume.io->writes;
    d.read_bytes += volume.io->bytes_read;
    d.write_bytes += volume.io->bytes_written;
    any = true;
  }
  if (any) r.disk = d;
}

std::optional<NetworkCounters> sum_nics(const std::vector<windows::NicReading>& nics) {
  if (nics.empty()) return std::nullopt;
  NetworkCounters n;
  for (const auto& nic : nics) {
    n.receive_bytes += nic.bytes_received;
    n.transmit_bytes += nic.bytes_sent;
  }
  return n;
}

}  // namespace

Reading take_reading(const Paths&) {
  Reading r;
  r.monotonic_seconds = monotonic_seconds();
  r.cpu = read_cpu();
  r.memory = read_memory_figures();
  try {
    add_volumes(windows::read_volumes(), r);
  } catch (const CollectorError&) {
    // no volume figures in this reading
  }
  try {
    r.network = sum_nics(windows::read_nics());
  } catch (const CollectorError&) {
    // no network figures in this reading
  }
  return r;
}

}  // namespace sahab::agent::utilisation
