// windows_os_*: the product name from the registry, the true version from RtlGetVersion
// (GetVersionEx answers what the executable's manifest allows), counts from GetPerformanceInfo.
#include <windows.h>
// psapi.h needs windows.h first.
#include <psapi.h>

#include "agent/metrics/windows_collectors.h"
#include "agent/metrics/windows_readings.h"

extern "C" NTSYSAPI LONG NTAPI RtlGetVersion(PRTL_OSVERSIONINFOW version);

namespace sahab::agent::windows {
namespace {

std::string product_name() {
  wchar_t name[256] = L"";
  DWORD size = sizeof name;
  if (RegGetValueW(HKEY_LOCAL_MACHINE, L"SOFTWARE\\Microsoft\\Windows NT\\CurrentVersion",
                   L"ProductName", RRF_RT_REG_SZ, nullptr, name, &size) != ERROR_SUCCESS)
    return "";
  return utf8(name);
}

std::string timezone_name() {
  TIME_ZONE_INFORMATION zone{};
  const DWORD which = GetTimeZoneInformation(&zone);
  if (which == TIME_ZONE_ID_INVALID) return "";
  return utf8(which == TIME_ZONE_ID_DAYLIGHT ? zone.DaylightName : zone.StandardName);
}

}  // namespace

OsReading read_os() {
  OsReading os;
  RTL_OSVERSIONINFOW version{};
  version.dwOSVersionInfoSize = sizeof version;
  if (RtlGetVersion(&version) == 0) {
    os.major = version.dwMajorVersion;
    os.minor = version.dwMinorVersion;
    os.build = version.dwBuildNumber;
  }
  os.product = product_name();
  PERFORMANCE_INFORMATION performance{};
  if (GetPerformanceInfo(&performance, sizeof performance)) os.processes = performance.ProcessCount;
  os.timezone = timezone_name();
  os.unix_time = unix_now();
  return os;
}

std::unique_ptr<Collector> make_os_collector(const Paths&) {
  return std::make_unique<FunctionCollector>(
      [](Exposition& out) { add_os_families(out, read_os(), read_memory()); });
}

}  // namespace sahab::agent::windows
