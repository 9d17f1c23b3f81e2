#include "agent/metrics/windows_families.h"

#include <algorithm>
#include <cctype>
#include <iterator>

#include "agent/metrics/metric_builder.h"
#include "common/text.h"

namespace sahab::agent::windows {

using prometheus::MetricType;

double ticks_to_seconds(std::uint64_t ticks) { return static_cast<double>(ticks) / 1e7; }

namespace {

// A little-endian DWORD of an API's buffer; the caller has checked that it fits.
std::uint32_t u32_at(std::span<const unsigned char> buffer, std::size_t at) {
  return static_cast<std::uint32_t>(buffer[at]) | static_cast<std::uint32_t>(buffer[at + 1]) << 8 |
         static_cast<std::uint32_t>(buffer[at + 2]) << 16 |
         static_cast<std::uint32_t>(buffer[at + 3]) << 24;
}

bool high_surrogate(char16_t c) { return c >= 0xD800 && c <= 0xDBFF; }
bool low_surrogate(char16_t c) { return c >= 0xDC00 && c <= 0xDFFF; }

// Counters that Windows keeps in 100 ns ticks, per mode of windows_cpu_time_total. Privileged
// time is kernel time less idle time (kernel time includes the idle thread), as the
// "% Privileged Time" counter windows_exporter reads; it includes DPC and interrupt time, which
// windows_exporter also reports as their own modes.
std::uint64_t privileged_ticks(const CoreTimes& core) {
  return core.kernel_ticks > core.idle_ticks ? core.kernel_ticks - core.idle_ticks : 0;
}

double as_double(std::uint64_t value) { return static_cast<double>(value); }

}  // namespace

std::string utf8_from_utf16(std::u16string_view text) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char16_t c = text[i];
    if (high_surrogate(c) && i + 1 < text.size() && low_surrogate(text[i + 1])) {
      text::append_utf8(
          out, 0x10000 + ((char32_t(c) - 0xD800) << 10) + (char32_t(text[i + 1]) - 0xDC00));
      ++i;
    } else if (high_surrogate(c) || low_surrogate(c)) {
      text::append_utf8(out, 0xFFFD);
    } else {
      text::append_utf8(out, c);
    }
  }
  return out;
}

void add_cpu_families(Exposition& out, const std::vector<CoreTimes>& cores) {
  FamilyBuilder time(out, "windows_cpu_time_total",
                     "Time that processor spent in different modes (dpc, idle, interrupt, "
                     "privileged, user).",
                     MetricType::Counter);
  FamilyBuilder interrupts(out, "windows_cpu_interrupts_total",
                           "Total number of received and serviced hardware interrupts.",
                           MetricType::Counter);
  for (const auto& core : cores) {
    const std::string label = std::to_string(core.group) + "," + std::to_string(core.number);
    time.add({{"core", label}, {"mode", "dpc"}}, ticks_to_seconds(core.dpc_ticks));
    time.add({{"core", label}, {"mode", "idle"}}, ticks_to_seconds(core.idle_ticks));
    time.add({{"core", label}, {"mode", "interrupt"}}, ticks_to_seconds(core.interrupt_ticks));
    time.add({{"core", label}, {"mode", "privileged"}}, ticks_to_seconds(privileged_ticks(core)));
    time.add({{"core", label}, {"mode", "user"}}, ticks_to_seconds(core.user_ticks));
    interrupts.add({{"core", label}}, as_double(core.interrupts));
  }
}

void add_memory_families(Exposition& out, const MemoryReading& memory) {
  const auto gauge = [&out](const char* name, const char* help, std::uint64_t value) {
    add_gauge(out, name, help, as_double(value));
  };
  gauge("windows_memory_physical_total_bytes", "The amount of physical memory in bytes.",
        memory.physical_total);
  gauge("windows_memory_physical_free_bytes",
        "The amount of physical memory currently available in bytes.", memory.physical_available);
  gauge("windows_memory_available_bytes",
        "Physical memory immediately available for allocation (free, zero and standby lists).",
        memory.physical_available);
  gauge("windows_memory_commit_limit",
        "Virtual memory in bytes that can be committed without extending the paging files.",
        memory.commit_limit);
  gauge("windows_memory_committed_bytes", "Committed virtual memory in bytes.", memory.committed);
  gauge("windows_memory_cache_bytes", "Bytes currently used by the file system cache.",
        memory.system_cache);
  gauge("windows_memory_pool_paged_bytes", "Bytes in the paged pool.", memory.pool_paged);
  gauge("windows_memory_pool_nonpaged_bytes", "Bytes in the non-paged pool.", memory.pool_nonpaged);
}

void add_os_families(Exposition& out, const OsReading& os, const MemoryReading& memory) {
  const std::string version =
      std::to_string(os.major) + "." + std::to_string(os.minor) + "." + std::to_string(os.build);
  FamilyBuilder(out, "windows_os_info", "Windows product name and version in labels.",
                MetricType::Gauge)
      .add({{"build_number", std::to_string(os.build)},
            {"major_version", std::to_string(os.major)},
            {"minor_version", std::to_string(os.minor)},
            {"product", os.product},
            {"version", version}},
           1);
  add_gauge(out, "windows_os_visible_memory_bytes",
            "Total bytes of physical memory available to the operating system.",
            as_double(memory.physical_total));
  add_gauge(out, "windows_os_physical_memory_free_bytes",
            "Bytes of physical memory currently unused and available.",
            as_double(memory.physical_available));
  add_gauge(out, "windows_os_virtual_memory_bytes", "Bytes of virtual memory.",
            as_double(memory.commit_limit));
  add_gauge(out, "windows_os_virtual_memory_free_bytes",
            "Bytes of virtual memory currently unused and available.",
            as_double(memory.commit_available));
  add_gauge(out, "windows_os_process_memory_limit_bytes",
            "Maximum number of bytes of memory that can be allocated to a process.",
            as_double(memory.process_virtual_limit));
  add_gauge(out, "windows_os_processes",
            "Number of process contexts currently loaded or running on the operating system.",
            as_double(os.processes));
  add_gauge(out, "windows_os_time", "Current time as reported by the operating system (Unix time).",
            os.unix_time);
  FamilyBuilder(out, "windows_os_timezone", "Current timezone as reported by the operating system.",
                MetricType::Gauge)
      .add({{"timezone", os.timezone}}, 1);
}

namespace {

// One counter family of VolumeIo: its name, help, and the field converted to the metric's unit.
struct IoFamily {
  const char* name;
  const char* help;
  MetricType type;
  double (*value)(const VolumeIo&);
};

void add_logical_disk_io_families(Exposition& out, const std::vector<VolumeReading>& volumes) {
  static constexpr IoFamily kFamilies[] = {
      {"windows_logical_disk_read_bytes_total", "Bytes read from the volume.", MetricType::Counter,
       [](const VolumeIo& io) { return as_double(io.bytes_read); }},
      {"windows_logical_disk_write_bytes_total", "Bytes written to the volume.",
       MetricType::Counter, [](const VolumeIo& io) { return as_double(io.bytes_written); }},
      {"windows_logical_disk_reads_total", "Read operations on the volume.", MetricType::Counter,
       [](const VolumeIo& io) { return as_double(io.reads); }},
      {"windows_logical_disk_writes_total", "Write operations on the volume.", MetricType::Counter,
       [](const VolumeIo& io) { return as_double(io.writes); }},
      {"windows_logical_disk_read_seconds_total", "Seconds the volume was busy reading.",
       MetricType::Counter, [](const VolumeIo& io) { return ticks_to_seconds(io.read_ticks); }},
      {"windows_logical_disk_write_seconds_total", "Seconds the volume was busy writing.",
       MetricType::Counter, [](const VolumeIo& io) { return ticks_to_seconds(io.write_ticks); }},
      {"windows_logical_disk_idle_seconds_total", "Seconds the volume was idle.",
       MetricType::Counter, [](const VolumeIo& io) { return ticks_to_seconds(io.idle_ticks); }},
      {"windows_logical_disk_requests_queued", "Requests outstanding on the volume.",
       MetricType::Gauge, [](const VolumeIo& io) { return as_double(io.queue_depth); }},
  };
  for (const auto& family : kFamilies) {
    FamilyBuilder builder(out, family.name, family.help, family.type);
    for (const auto& volume : volumes) {
      if (volume.io) builder.add({{"volume", volume.volume}}, family.value(*volume.io));
    }
  }
}

}  // namespace

void add_logical_disk_families(Exposition& out, const std::vector<VolumeReading>& volumes) {
  FamilyBuilder size(out, "windows_logical_disk_size_bytes", "Total size of the disk in bytes.",
                     MetricType::Gauge);
  FamilyBuilder free(out, "windows_logical_disk_free_bytes", "Unused space of the disk in bytes.",
                     MetricType::Gauge);
  for (const auto& volume : volumes) {
    size.add({{"volume", volume.volume}}, as_double(volume.size_bytes));
    free.add({{"volume", volume.volume}}, as_double(volume.free_bytes));
  }
  add_logical_disk_io_families(out, volumes);
}

std::string nic_label(std::string_view description) {
  std::string out;
  out.reserve(description.size());
  for (std::size_t i = 0; i < description.size(); ++i) {
    const auto c = static_cast<unsigned char>(description[i]);
    const bool alnum = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
    out += alnum ? static_cast<char>(c) : '_';
    // One '_' per character, as windows_exporter's regexp replaces runes: skip the UTF-8
    // continuation bytes of a multi-byte character.
    while (c >= 0x80 && i + 1 < description.size() &&
           (static_cast<unsigned char>(description[i + 1]) & 0xC0) == 0x80)
      ++i;
  }
  return out;
}

void add_net_families(Exposition& out, const std::vector<NicReading>& nics) {
  struct Counter {
    const char* name;
    const char* help;
    std::uint64_t (*value)(const NicReading&);
  };
  static const Counter counters[] = {
      {"windows_net_bytes_received_total", "Total bytes received by interface.",
       [](const NicReading& n) { return n.bytes_received; }},
      {"windows_net_bytes_sent_total", "Total bytes transmitted by interface.",
       [](const NicReading& n) { return n.bytes_sent; }},
      {"windows_net_bytes_total", "Total bytes received and transmitted by interface.",
       [](const NicReading& n) { return n.bytes_received + n.bytes_sent; }},
      {"windows_net_packets_received_total", "Total packets received by interface.",
       [](const NicReading& n) { return n.packets_received; }},
      {"windows_net_packets_sent_total", "Total packets transmitted by interface.",
       [](const NicReading& n) { return n.packets_sent; }},
      {"windows_net_packets_total", "Total packets received and transmitted by interface.",
       [](const NicReading& n) { return n.packets_received + n.packets_sent; }},
      {"windows_net_packets_received_errors_total",
       "Total packets that could not be received due to errors.",
       [](const NicReading& n) { return n.receive_errors; }},
      {"windows_net_packets_outbound_errors_total",
       "Total packets that could not be transmitted due to errors.",
       [](const NicReading& n) { return n.transmit_errors; }},
      {"windows_net_packets_received_discarded_total",
       "Total inbound packets discarded even though no errors had been detected.",
       [](const NicReading& n) { return n.receive_discards; }},
      {"windows_net_packets_outbound_discarded_total",
       "Total outbound packets discarded even though no errors had been detected.",
       [](const NicReading& n) { return n.transmit_discards; }},
  };
  for (const auto& counter : counters) {
    FamilyBuilder family(out, counter.name, counter.help, MetricType::Counter);
    for (const auto& nic : nics)
      family.add({{"nic", nic_label(nic.description)}}, as_double(counter.value(nic)));
  }
  FamilyBuilder bandwidth(out, "windows_net_current_bandwidth_bytes",
                          "Estimate of the interface's current bandwidth in bytes per second.",
                          MetricType::Gauge);
  for (const auto& nic : nics)
    bandwidth.add({{"nic", nic_label(nic.description)}}, as_double(nic.link_bits_per_second) / 8);
}

void add_system_families(Exposition& out, const SystemReading& system) {
  add_gauge(out, "windows_system_system_up_time", "Time of last boot of system (Unix time).",
            system.boot_unix_time);
  add_counter(out, "windows_system_context_switches_total", "Total number of context switches.",
              as_double(system.context_switches));
  add_counter(out, "windows_system_system_calls_total",
              "Total combined calls to Windows NT system service routines by all processes.",
              as_double(system.system_calls));
  add_gauge(out, "windows_system_threads", "Current number of threads.", as_double(system.threads));
  add_gauge(out, "windows_system_processor_queue_length",
            "Number of threads ready to run and waiting for a processor.",
            as_double(system.processor_queue_length));
}

std::uint64_t count_ready_threads(std::span<const unsigned char> buffer) {
  constexpr std::size_t kProcessSize = 0x100, kThreadSize = 0x50, kStateOffset = 0x44;
  constexpr std::uint32_t kReady = 1, kDeferredReady = 7;
  const auto u32 = [&](std::size_t at) { return u32_at(buffer, at); };
  std::uint64_t ready = 0;
  for (std::size_t at = 0; at + kProcessSize <= buffer.size();) {
    const std::uint32_t next = u32(at), threads = u32(at + 4);
    for (std::uint32_t t = 0; t < threads; ++t) {
      const std::size_t thread = at + kProcessSize + t * kThreadSize;
      if (thread + kThreadSize > buffer.size()) return ready;
      const std::uint32_t state = u32(thread + kStateOffset);
      ready += state == kReady || state == kDeferredReady;
    }
    if (next == 0) break;  // the last entry; a nonzero offset always moves forward
    at += next;
  }
  return ready;
}

PagingFiles paging_files(std::span<const unsigned char> buffer, std::uint64_t page_bytes) {
  constexpr std::size_t kEntrySize = 32, kMaxEntries = 16;
  PagingFiles files;
  for (std::size_t at = 0, n = 0; at + kEntrySize <= buffer.size() && n < kMaxEntries; ++n) {
    const std::uint32_t next = u32_at(buffer, at), total = u32_at(buffer, at + 4);
    const std::uint32_t in_use = std::min(u32_at(buffer, at + 8), total);
    files.total_bytes += total * page_bytes;
    files.used_bytes += in_use * page_bytes;
    if (next == 0) break;
    at += next;
  }
  return files;
}

void add_service_families(Exposition& out, const std::vector<ServiceReading>& services) {
  static constexpr const char* kStates[] = {"stopped", "start pending",    "stop pending",
                                            "running", "continue pending", "pause pending",
                                            "paused",  "unknown"};
  FamilyBuilder state(out, "windows_service_state",
                      "The state of the service, 1 if the current state, 0 otherwise.",
                      MetricType::Gauge);
  for (const auto& service : services) {
    std::string name = service.name;
    std::transform(name.begin(), name.end(), name.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    // States outside 1..7 are "unknown" (index 7).
    const std::size_t current = service.state >= 1 && service.state <= 7 ? service.state - 1 : 7;
    for (std::size_t i = 0; i < std::size(kStates); ++i)
      state.add({{"name", name}, {"state", kStates[i]}}, i == current ? 1 : 0);
  }
}

}  // namespace sahab::agent::windows
