#pragma once
// The metric families of the Windows collectors (*_windows.cpp), with windows_exporter's names
// and labels, built from plain readings. Nothing here calls Windows: the readings come from the
// Win32 APIs on Windows and from fixtures in the native unit tests (tests/windows/).
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "agent/metrics/collector.h"

namespace sahab::agent::windows {

// Windows counts CPU time and file times in 100 ns ticks.
double ticks_to_seconds(std::uint64_t ticks);

// UTF-16 (Windows' wide strings) to UTF-8; an unpaired surrogate becomes U+FFFD.
std::string utf8_from_utf16(std::u16string_view text);

// One logical processor's times since boot (NtQuerySystemInformation's
// SystemProcessorPerformanceInformation). `kernel` includes `idle`, as Windows reports it.
struct CoreTimes {
  unsigned group = 0;
  unsigned number = 0;
  std::uint64_t idle_ticks = 0;
  std::uint64_t kernel_ticks = 0;
  std::uint64_t user_ticks = 0;
  std::uint64_t dpc_ticks = 0;
  std::uint64_t interrupt_ticks = 0;
  std::uint64_t interrupts = 0;
};
// windows_cpu_time_total{core="group,number",mode} and windows_cpu_interrupts_total{core}.
void add_cpu_families(Exposition& out, const std::vector<CoreTimes>& cores);

// GlobalMemoryStatusEx and GetPerformanceInfo, in bytes.
struct MemoryReading {
  std::uint64_t physical_total = 0;
  std::uint64_t physical_available = 0;
  std::uint64_t commit_limit = 0;      // physical memory + paging files
  std::uint64_t commit_available = 0;  // commit_limit less what is committed
  std::uint64_t committed = 0;
  std::uint64_t system_cache = 0;
  std::uint64_t pool_paged = 0;
  std::uint64_t pool_nonpaged = 0;
  std::uint64_t process_virtual_limit = 0;  // user address space of one process
};
// windows_memory_*: physical_total_bytes, physical_free_bytes, available_bytes, commit_limit,
// committed_bytes, cache_bytes, pool_{paged,nonpaged}_bytes.
void add_memory_families(Exposition& out, const MemoryReading& memory);

struct OsReading {
  std::string product;  // "Microsoft Windows Server 2019 Standard"
  unsigned major = 0;
  unsigned minor = 0;
  unsigned build = 0;
  std::uint64_t processes = 0;
  std::string timezone;  // the standard name of the zone in force
  double unix_time = 0;
};
// windows_os_info{product,version,major_version,minor_version,build_number}, windows_os_* memory
// gauges (visible_memory_bytes, physical_memory_free_bytes, virtual_memory_bytes,
// virtual_memory_free_bytes, process_memory_limit_bytes), windows_os_processes, windows_os_time,
// windows_os_timezone{timezone}.
void add_os_families(Exposition& out, const OsReading& os, const MemoryReading& memory);

// A volume's I/O counters since boot (IOCTL_DISK_PERFORMANCE's DISK_PERFORMANCE): times in
// 100 ns ticks.
struct VolumeIo {
  std::uint64_t bytes_read = 0;
  std::uint64_t bytes_written = 0;
  std::uint64_t reads = 0;
  std::uint64_t writes = 0;
  std::uint64_t read_ticks = 0;
  std::uint64_t write_ticks = 0;
  std::uint64_t idle_ticks = 0;
  std::uint64_t queue_depth = 0;
};

// One fixed volume: "C:" and GetDiskFreeSpaceEx's figures, with its I/O counters where the
// volume gives them (not under Wine).
struct VolumeReading {
  std::string volume;
  std::uint64_t size_bytes = 0;
  std::uint64_t free_bytes = 0;
  std::optional<VolumeIo> io = std::nullopt;
};
// windows_logical_disk_{size,free}_bytes{volume}; for volumes with counters
// windows_logical_disk_{read,write}_bytes_total, {reads,writes}_total,
// {read,write,idle}_seconds_total and requests_queued.
void add_logical_disk_families(Exposition& out, const std::vector<VolumeReading>& volumes);

// One interface of GetIfTable2.
struct NicReading {
  std::string description;  // MIB_IF_ROW2.Description, UTF-8
  std::uint64_t bytes_received = 0;
  std::uint64_t bytes_sent = 0;
  std::uint64_t packets_received = 0;  // unicast + non-unicast
  std::uint64_t packets_sent = 0;
  std::uint64_t receive_errors = 0;
  std::uint64_t transmit_errors = 0;
  std::uint64_t receive_discards = 0;
  std::uint64_t transmit_discards = 0;
  std::uint64_t link_bits_per_second = 0;
};
// windows_exporter's nic label: the interface description with every character other than an
// ASCII letter or digit replaced by '_' ("Intel(R) PRO/1000" -> "Intel_R__PRO_1000").
std::string nic_label(std::string_view description);
// windows_net_{bytes,packets}_{received,sent}_total, bytes_total, packets_total, error and
// discard counters and current_bandwidth_bytes, each {nic}.
void add_net_families(Exposition& out, const std::vector<NicReading>& nics);

struct SystemReading {
  double boot_unix_time = 0;
  std::uint64_t context_switches = 0;
  std::uint64_t system_calls = 0;
  std::uint64_t threads = 0;
  std::uint64_t processor_queue_length = 0;
};
// windows_system_system_up_time (the boot time, as windows_exporter), context_switches_total,
// system_calls_total, threads, processor_queue_length.

// The "Processor Queue Length" counter is the number of threads ready to run and waiting for a
// processor. This counts them in the buffer NtQuerySystemInformation(SystemProcessInformation)
// fills on x64: SYSTEM_PROCESS_INFORMATION entries (0x100 bytes, chained by NextEntryOffset, the
// thread count at +4) each followed by SYSTEM_THREAD_INFORMATION entries (0x50 bytes, ThreadState
// at +0x44): threads in state Ready (1) or DeferredReady (7). An entry or thread array running
// past the buffer ends the count there.
std::uint64_t count_ready_threads(std::span<const unsigned char> process_information);
void add_system_families(Exposition& out, const SystemReading& system);

// The paging files, as NtQuerySystemInformation(SystemPageFileInformation) fills its buffer on
// x64: SYSTEM_PAGEFILE_INFORMATION entries (32 bytes, chained by NextEntryOffset at +0; TotalSize
// at +4 and TotalInUse at +8, in pages), summed; the utilisation readings' swap
// (readings_windows.cpp). Entries running past the buffer, or past 16 (Windows' most), end it.
struct PagingFiles {
  std::uint64_t total_bytes = 0;
  std::uint64_t used_bytes = 0;
};
PagingFiles paging_files(std::span<const unsigned char> page_file_information,
                         std::uint64_t page_bytes);

// One service of EnumServicesStatusEx: its key name and SERVICE_* state (1 stopped ... 7 paused).
struct ServiceReading {
  std::string name;
  std::uint32_t state = 0;
};
// windows_service_state{name,state}: 1 for the service's state, 0 for the seven others and
// "unknown", as windows_exporter; names lower-case as windows_exporter writes them.
void add_service_families(Exposition& out, const std::vector<ServiceReading>& services);

}  // namespace sahab::agent::windows
