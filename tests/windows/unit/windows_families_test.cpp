// The Windows collectors' metric families, from readings as the Win32 APIs hand them over.
#include "agent/metrics/windows_families.h"

#include "unit/agent/metrics/support.h"

using namespace sahab::agent;
using namespace sahab::agent::windows;
using sahab::agent::testing::find_family;
using sahab::agent::testing::value_of;
using sahab::agent::testing::Written;

TEST_CASE("windows families: cpu times per core and mode in seconds, privileged without idle") {
  Written out;
  // 100 ns ticks: kernel 30 s includes idle 20 s, so privileged is 10 s.
  add_cpu_families(out, {{0, 0, 200'000'000, 300'000'000, 50'000'000, 10'000'000, 5'000'000, 42},
                         {0, 1, 1, 1, 0, 0, 0, 0}});
  CHECK(value_of(out, "windows_cpu_time_total", {{"core", "0,0"}, {"mode", "idle"}}) == 20.0);
  CHECK(value_of(out, "windows_cpu_time_total", {{"core", "0,0"}, {"mode", "privileged"}}) == 10.0);
  CHECK(value_of(out, "windows_cpu_time_total", {{"core", "0,0"}, {"mode", "user"}}) == 5.0);
  CHECK(value_of(out, "windows_cpu_time_total", {{"core", "0,0"}, {"mode", "dpc"}}) == 1.0);
  CHECK(value_of(out, "windows_cpu_time_total", {{"core", "0,0"}, {"mode", "interrupt"}}) == 0.5);
  CHECK(value_of(out, "windows_cpu_interrupts_total", {{"core", "0,0"}}) == 42);
  CHECK(value_of(out, "windows_cpu_time_total", {{"core", "0,1"}, {"mode", "privileged"}}) == 0);
  const auto* family = find_family(out, "windows_cpu_time_total");
  REQUIRE(family);
  CHECK(family->type == prometheus::MetricType::Counter);
  CHECK(family->metric.size() == 10);
}

TEST_CASE("windows families: kernel time below idle time gives zero privileged, never negative") {
  Written out;
  add_cpu_families(out, {{0, 3, 500, 400, 0, 0, 0, 0}});
  CHECK(value_of(out, "windows_cpu_time_total", {{"core", "0,3"}, {"mode", "privileged"}}) == 0);
}

TEST_CASE("windows families: no cores, volumes or nics give no empty families") {
  Written out;
  add_cpu_families(out, {});
  add_logical_disk_families(out, {});
  add_net_families(out, {});
  CHECK(out.empty());
}

TEST_CASE("windows families: memory and os gauges from the memory status") {
  MemoryReading memory;
  memory.physical_total = 8ull << 30;
  memory.physical_available = 3ull << 30;
  memory.commit_limit = 12ull << 30;
  memory.commit_available = 7ull << 30;
  memory.committed = 5ull << 30;
  memory.process_virtual_limit = 128ull << 40;
  Written out;
  add_memory_families(out, memory);
  CHECK(value_of(out, "windows_memory_physical_total_bytes") == double(8ull << 30));
  CHECK(value_of(out, "windows_memory_available_bytes") == double(3ull << 30));
  CHECK(value_of(out, "windows_memory_physical_free_bytes") == double(3ull << 30));
  CHECK(value_of(out, "windows_memory_commit_limit") == double(12ull << 30));
  CHECK(value_of(out, "windows_memory_committed_bytes") == double(5ull << 30));

  OsReading os{"Microsoft Windows Server 2019 Standard", 10, 0, 17763, 85, "UTC", 1.7e9};
  Written os_out;
  add_os_families(os_out, os, memory);
  CHECK(value_of(os_out, "windows_os_info",
                 {{"product", "Microsoft Windows Server 2019 Standard"},
                  {"version", "10.0.17763"},
                  {"major_version", "10"},
                  {"minor_version", "0"},
                  {"build_number", "17763"}}) == 1);
  CHECK(value_of(os_out, "windows_os_visible_memory_bytes") == double(8ull << 30));
  CHECK(value_of(os_out, "windows_os_virtual_memory_free_bytes") == double(7ull << 30));
  CHECK(value_of(os_out, "windows_os_processes") == 85);
  CHECK(value_of(os_out, "windows_os_timezone", {{"timezone", "UTC"}}) == 1);
}

TEST_CASE("windows families: logical disks by volume letter") {
  Written out;
  add_logical_disk_families(out, {{"C:", 100, 40}, {"D:", 2000, 0}});
  CHECK(value_of(out, "windows_logical_disk_size_bytes", {{"volume", "C:"}}) == 100);
  CHECK(value_of(out, "windows_logical_disk_free_bytes", {{"volume", "C:"}}) == 40);
  CHECK(value_of(out, "windows_logical_disk_free_bytes", {{"volume", "D:"}}) == 0);
}

TEST_CASE("windows families: nic labels as windows_exporter mangles descriptions") {
  CHECK(nic_label("Microsoft Hyper-V Network Adapter #1") ==
        "Microsoft_Hyper_V_Network_Adapter__1");
  CHECK(nic_label("Intel(R) PRO/1000 MT") == "Intel_R__PRO_1000_MT");
  CHECK(nic_label("eth0") == "eth0");
  CHECK(nic_label("") == "");
  // One '_' per character, however many UTF-8 bytes it takes.
  CHECK(nic_label("Carte réseau \xF0\x9F\x94\x8C") == "Carte_r_seau__");
  // A truncated multi-byte sequence still gives one '_' per byte run, never reads past the end.
  CHECK(nic_label("x\xC3") == "x_");
}

TEST_CASE("windows families: net counters and bandwidth per nic") {
  NicReading nic;
  nic.description = "vmxnet3 Ethernet Adapter";
  nic.bytes_received = 1000;
  nic.bytes_sent = 500;
  nic.packets_received = 10;
  nic.packets_sent = 5;
  nic.link_bits_per_second = 1'000'000'000;
  Written out;
  add_net_families(out, {nic});
  const std::vector<std::pair<std::string, std::string>> label{{"nic", "vmxnet3_Ethernet_Adapter"}};
  CHECK(value_of(out, "windows_net_bytes_received_total", label) == 1000);
  CHECK(value_of(out, "windows_net_bytes_sent_total", label) == 500);
  CHECK(value_of(out, "windows_net_bytes_total", label) == 1500);
  CHECK(value_of(out, "windows_net_packets_total", label) == 15);
  CHECK(value_of(out, "windows_net_current_bandwidth_bytes", label) == 125'000'000);
}

TEST_CASE("windows families: system gauges and counters") {
  Written out;
  add_system_families(out, {1.6e9, 123456, 789, 1024});
  CHECK(value_of(out, "windows_system_system_up_time") == 1.6e9);
  CHECK(value_of(out, "windows_system_context_switches_total") == 123456);
  CHECK(value_of(out, "windows_system_system_calls_total") == 789);
  CHECK(value_of(out, "windows_system_threads") == 1024);
}

TEST_CASE("windows families: UTF-16 to UTF-8, surrogate pairs joined and strays replaced") {
  CHECK(utf8_from_utf16(u"C:\\") == "C:\\");
  CHECK(utf8_from_utf16(u"r\u00e9seau") == "r\xC3\xA9seau");
  CHECK(utf8_from_utf16(u"\u20AC") == "\xE2\x82\xAC");
  CHECK(utf8_from_utf16(u"\U0001F50C") == "\xF0\x9F\x94\x8C");
  const char16_t lone_high[] = {u'a', 0xD83D, u'b', 0};
  CHECK(utf8_from_utf16(lone_high) ==
        "a\xEF\xBF\xBD"
        "b");
  const char16_t lone_low_at_end[] = {u'a', 0xDC0C, 0};
  CHECK(utf8_from_utf16(lone_low_at_end) == "a\xEF\xBF\xBD");
  CHECK(utf8_from_utf16(u"") == "");
}

TEST_CASE("windows families: 100 ns ticks to seconds") {
  CHECK(ticks_to_seconds(0) == 0);
  CHECK(ticks_to_seconds(10'000'000) == 1.0);
  CHECK(ticks_to_seconds(15'000'000) == 1.5);
}

TEST_CASE("windows families: logical disk I/O counters for volumes that keep them") {
  Written out;
  VolumeIo io{4096, 8192, 3, 5, 20'000'000, 30'000'000, 900'000'000, 2};
  add_logical_disk_families(out, {{"C:", 100, 40, io}, {"D:", 50, 10, std::nullopt}});
  CHECK(value_of(out, "windows_logical_disk_read_bytes_total", {{"volume", "C:"}}) == 4096);
  CHECK(value_of(out, "windows_logical_disk_write_bytes_total", {{"volume", "C:"}}) == 8192);
  CHECK(value_of(out, "windows_logical_disk_reads_total", {{"volume", "C:"}}) == 3);
  CHECK(value_of(out, "windows_logical_disk_writes_total", {{"volume", "C:"}}) == 5);
  CHECK(value_of(out, "windows_logical_disk_read_seconds_total", {{"volume", "C:"}}) == 2.0);
  CHECK(value_of(out, "windows_logical_disk_write_seconds_total", {{"volume", "C:"}}) == 3.0);
  CHECK(value_of(out, "windows_logical_disk_idle_seconds_total", {{"volume", "C:"}}) == 90.0);
  CHECK(value_of(out, "windows_logical_disk_requests_queued", {{"volume", "C:"}}) == 2);
  const auto* reads = find_family(out, "windows_logical_disk_reads_total");
  REQUIRE(reads);
  CHECK(reads->type == prometheus::MetricType::Counter);
  CHECK(reads->metric.size() == 1);  // D: keeps no counters: only its size and free space
  CHECK(find_family(out, "windows_logical_disk_size_bytes")->metric.size() == 2);
  Written none;
  add_logical_disk_families(none, {{"Z:", 1, 1, std::nullopt}});
  CHECK(!find_family(none, "windows_logical_disk_read_bytes_total"));
}

TEST_CASE("windows families: service state, one sample per state, names lower-case") {
  Written out;
  add_service_families(out, {{"W3SVC", 4}, {"Spooler", 1}, {"Odd", 42}});
  const auto* state = find_family(out, "windows_service_state");
  REQUIRE(state);
  CHECK(state->type == prometheus::MetricType::Gauge);
  CHECK(state->metric.size() == 24);
  CHECK(value_of(out, "windows_service_state", {{"name", "w3svc"}, {"state", "running"}}) == 1);
  CHECK(value_of(out, "windows_service_state", {{"name", "w3svc"}, {"state", "stopped"}}) == 0);
  CHECK(value_of(out, "windows_service_state", {{"name", "spooler"}, {"state", "stopped"}}) == 1);
  CHECK(value_of(out, "windows_service_state", {{"name", "odd"}, {"state", "unknown"}}) == 1);
  Written none;
  add_service_families(none, {});
  CHECK(none.empty());
}

namespace {

// A SystemProcessInformation buffer: processes of 0x100 bytes, each with its threads' states.
std::vector<unsigned char> process_buffer(
    const std::vector<std::vector<std::uint32_t>>& processes) {
  std::vector<unsigned char> out;
  for (std::size_t p = 0; p < processes.size(); ++p) {
    const std::size_t start = out.size();
    const std::size_t size = 0x100 + processes[p].size() * 0x50;
    out.resize(start + size);
    const auto put = [&](std::size_t at, std::uint32_t v) {
      for (int i = 0; i < 4; ++i) out[at + i] = static_cast<unsigned char>(v >> (8 * i));
    };
    put(start, p + 1 < processes.size() ? static_cast<std::uint32_t>(size) : 0);
    put(start + 4, static_cast<std::uint32_t>(processes[p].size()));
    for (std::size_t t = 0; t < processes[p].size(); ++t)
      put(start + 0x100 + t * 0x50 + 0x44, processes[p][t]);
  }
  return out;
}

}  // namespace

// Wine answers SystemPageFileInformation with STATUS_INVALID_INFO_CLASS: the buffer is made here
// as Windows fills it on x64 (32-byte entries, the file names after them).
TEST_CASE("windows families: paging files summed from SystemPageFileInformation's buffer") {
  std::vector<unsigned char> buffer(2 * 32 + 64, 0xcc);  // names' bytes after the entries
  const auto put = [&](std::size_t at, std::uint32_t v) {
    for (int i = 0; i < 4; ++i) buffer[at + i] = static_cast<unsigned char>(v >> (8 * i));
  };
  put(0, 32);       // next entry 32 bytes on
  put(4, 262'144);  // C:\pagefile.sys: 1 GiB in 4 KiB pages
  put(8, 65'536);   // a quarter in use
  put(32, 0);       // the last entry
  put(32 + 4, 131'072);
  put(32 + 8, 200'000);  // more in use than its size: counted as full
  auto files = paging_files(buffer, 4096);
  CHECK(files.total_bytes == (262'144ull + 131'072) * 4096);
  CHECK(files.used_bytes == (65'536ull + 131'072) * 4096);
  CHECK(paging_files({}, 4096).total_bytes == 0);
  // No paging file: Windows returns no entry; a cut second entry ends the walk.
  files = paging_files(std::span(buffer).first(32 + 20), 4096);
  CHECK(files.total_bytes == 262'144ull * 4096);
  // More than Windows' 16 paging files is garbage: the walk stops at 16.
  buffer.assign(20 * 32, 0);
  for (std::size_t i = 0; i < 20; ++i) {
    put(i * 32, 32);
    put(i * 32 + 4, 1);
  }
  CHECK(paging_files(buffer, 1).total_bytes == 16);
}

TEST_CASE("windows families: the processor queue is the ready threads of the process list") {
  // States: 1 ready, 2 running, 5 waiting, 7 deferred ready.
  const auto buffer = process_buffer({{2, 2}, {1, 5, 5, 7}, {1}});
  CHECK(count_ready_threads(buffer) == 3);
  CHECK(count_ready_threads({}) == 0);
  auto cut = buffer;
  cut.resize(0x100 + 2 * 0x50 + 0x100 + 0x50);  // the second process's second thread cut off
  CHECK(count_ready_threads(cut) == 1);
  Written out;
  add_system_families(out, {1.7e9, 10, 20, 30, 3});
  CHECK(value_of(out, "windows_system_processor_queue_length", {}) == 3);
}
