#pragma once
// Win32 readings shared by more than one Windows collector (Windows only).
#include <windows.h>

#include <string>
#include <vector>

#include "agent/metrics/windows_families.h"

namespace sahab::agent::windows {

// GlobalMemoryStatusEx and GetPerformanceInfo; throws CollectorError when either fails.
MemoryReading read_memory();

// The fixed volumes of GetLogicalDriveStrings with GetDiskFreeSpaceEx's figures and, where the
// volume keeps them, IOCTL_DISK_PERFORMANCE's counters (logical_disk_windows.cpp; the utilisation
// readings sum them too). Throws CollectorError when the drive list cannot be read.
std::vector<VolumeReading> read_volumes();

// GetIfTable2's interfaces but loopback and NDIS filters (net_windows.cpp; the utilisation
// readings sum them too). Throws CollectorError when the table cannot be read.
std::vector<NicReading> read_nics();

// RtlGetVersion, the registry's product name, GetPerformanceInfo's process count, the time zone.
OsReading read_os();

// Every Win32 service of the Service Control Manager with its state (service_windows.cpp; the
// inventory's services section reads them too); throws CollectorError when the SCM refuses.
std::vector<ServiceReading> read_services();

// A NUL-terminated wide string from a Win32 API, as UTF-8.
inline std::string utf8(const wchar_t* text) {
  static_assert(sizeof(wchar_t) == sizeof(char16_t));
  return utf8_from_utf16(reinterpret_cast<const char16_t*>(text));
}

// Seconds since 1970 now, from the system clock.
double unix_now();

// A collector made of one function: each *_windows.cpp reads the APIs and builds its families
// in one call.
class FunctionCollector : public Collector {
 public:
  explicit FunctionCollector(void (*collect)(Exposition&)) : collect_(collect) {}
  void collect(Exposition& out) const override { collect_(out); }

 private:
  void (*collect_)(Exposition&);
};

}  // namespace sahab::agent::windows
