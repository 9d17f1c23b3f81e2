// windows_logical_disk_*{volume}: the fixed drives of GetLogicalDriveStrings, their size and free
// space from GetDiskFreeSpaceEx and their I/O counters from IOCTL_DISK_PERFORMANCE on the volume
// (the figures the LogicalDisk performance counters windows_exporter reads are made of, without
// PDH). Volumes mounted in folders rather than on letters are not listed yet.
#include <windows.h>
// winioctl.h needs windows.h first.
#include <winioctl.h>

#include <algorithm>

#include "agent/metrics/windows_collectors.h"
#include "agent/metrics/windows_readings.h"

namespace sahab::agent::windows {
namespace {

// The volume's counters since boot, or nothing when it keeps none (Wine answers no such
// request). Opening \\.\C: for no access needs no privilege.
std::optional<VolumeIo> read_io(const std::wstring& letter) {
  const HANDLE volume =
      CreateFileW((L"\\\\.\\" + letter).c_str(), 0, FILE_SHARE_READ | FILE_SHARE_WRITE, nullptr,
                  OPEN_EXISTING, 0, nullptr);
  if (volume == INVALID_HANDLE_VALUE) return std::nullopt;
  DISK_PERFORMANCE performance{};
  DWORD returned = 0;
  const bool read = DeviceIoControl(volume, IOCTL_DISK_PERFORMANCE, nullptr, 0, &performance,
                                    sizeof performance, &returned, nullptr) &&
                    returned >= sizeof performance;
  CloseHandle(volume);
  if (!read) return std::nullopt;
  const auto u64 = [](LARGE_INTEGER v) {
    return static_cast<std::uint64_t>(std::max<LONGLONG>(v.QuadPart, 0));
  };
  return VolumeIo{u64(performance.BytesRead), u64(performance.BytesWritten),
                  performance.ReadCount,      performance.WriteCount,
                  u64(performance.ReadTime),  u64(performance.WriteTime),
                  u64(performance.IdleTime),  performance.QueueDepth};
}

}  // namespace

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
    volumes.push_back({name, total.QuadPart, total_free.QuadPart,
                       read_io(std::wstring(root, 2))});  // "C:" of "C:\\"
  }
  return volumes;
}

std::unique_ptr<Collector> make_logical_disk_collector(const Paths&) {
  return std::make_unique<FunctionCollector>(
      [](Exposition& out) { add_logical_disk_families(out, read_volumes()); });
}

}  // namespace sahab::agent::windows
