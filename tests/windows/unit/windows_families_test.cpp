// The Windows collectors' metric families, from readings as the Win32 APIs hand them over.
#include "agent/metrics/windows_families.h"

#include "unit/agent/metrics/support.h"

using namespace sahab::agent;
using namespace sahab::agent::windows;
using sahab::agent::testing::find_family;
using sahab::agent::testing::value_of;

TEST_CASE("windows families: cpu times per core and mode in seconds, privileged without idle") {
  MetricFamilies out;
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
  MetricFamilies out;
  add_cpu_families(out, {{0, 3, 500, 400, 0, 0, 0, 0}});
  CHECK(value_of(out, "windows_cpu_time_total", {{"core", "0,3"}, {"mode", "privileged"}}) == 0);
}

TEST_CASE("windows families: no cores, volumes or nics give no empty families") {
  MetricFamilies out;
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
  MetricFamilies out;
  add_memory_families(out, memory);
  CHECK(value_of(out, "windows_memory_physical_total_bytes") == double(8ull << 30));
  CHECK(value_of(out, "windows_memory_available_bytes") == double(3ull << 30));
  CHECK(value_of(out, "windows_memory_physical_free_bytes") == double(3ull << 30));
  CHECK(value_of(out, "windows_memory_commit_limit") == double(12ull << 30));
  CHECK(value_of(out, "windows_memory_committed_bytes") == double(5ull << 30));

  OsReading os{"Microsoft Windows Server 2019 Standard", 10, 0, 17763, 85, "UTC", 1.7e9};
  MetricFamilies os_out;
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
  MetricFamilies out;
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
  MetricFamilies out;
  add_net_families(out, {nic});
  const std::vector<std::pair<std::string, std::string>> label{{"nic", "vmxnet3_Ethernet_Adapter"}};
  CHECK(value_of(out, "windows_net_bytes_received_total", label) == 1000);
  CHECK(value_of(out, "windows_net_bytes_sent_total", label) == 500);
  CHECK(value_of(out, "windows_net_bytes_total", label) == 1500);
  CHECK(value_of(out, "windows_net_packets_total", label) == 15);
  CHECK(value_of(out, "windows_net_current_bandwidth_bytes", label) == 125'000'000);
}

TEST_CASE("windows families: system gauges and counters") {
  MetricFamilies out;
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
