// windows_logical_disk_{size,free}_bytes{volume}: the fixed drives of GetLogicalDriveStrings and
// GetDiskFreeSpaceEx. Volumes mounted in folders rather than on letters are not listed yet.
#include <windows.h>

#include "agent/metrics/windows_collectors.h"
#include "agent/metrics/windows_readings.h"

namespace sahab::agent::windows {
namespace {

std::vector<VolumeReading> read_volumes() {
  wchar_t roots[512];  // 26 letters of "X:\\\0" fit in 105 characters
  const DWORD length = GetLogicalDriveStringsW(sizeof roots / sizeof roots[0], roots);
  if (length == 0 || length >= sizeof roots / sizeof roots[0])
    throw CollectorError("GetLogicalDriveStrings failed: error " + std::to_string(GetLastError()));
  std::vector<VolumeReading> volumes;
  for (const wchar_t* root = roots; *root; root += wcslen(root) + 1) {
    if (GetDriveTypeW(root) != DRIVE_FIXED) continue;  // no floppies, CD drives or shares
    ULARGE_INTEGER caller_free, total, total_free;
    if (!GetDiskFreeSpaceExW(root, &caller_free, &total, &total_free)) continue;
    std::string name = utf8(root);
    if (name.ends_with('\\')) name.pop_back();  // "C:", as windows_exporter's volume label
    volumes.push_back({name, total.QuadPart, total_free.QuadPart});
  }
  return volumes;
}

}  // namespace

std::unique_ptr<Collector> make_logical_disk_collector(const Paths&) {
  return std::make_unique<FunctionCollector>(
      [](MetricFamilies& out) { add_logical_disk_families(out, read_volumes()); });
}

}  // namespace sahab::agent::windows
