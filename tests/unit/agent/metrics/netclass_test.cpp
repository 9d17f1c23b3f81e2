#include "agent/metrics/registry.h"
#include "unit/agent/metrics/procfs_fixtures.h"
#include "unit/agent/metrics/support.h"

using namespace sahab::agent;
using namespace sahab::agent::testing;

TEST_CASE("netclass: interface properties, hexadecimal flags, speed in bytes") {
  const auto families = collect(*make_netclass_collector(procfs_fixture_paths()));
  const std::vector<std::pair<std::string, std::string>> eth0 = {{"device", "eth0"}};
  CHECK(value_of(families, "node_network_up", eth0) == 1);
  CHECK(value_of(families, "node_network_info",
                 {{"device", "eth0"},
                  {"address", "01:01:01:01:01:01"},
                  {"broadcast", "ff:ff:ff:ff:ff:ff"},
                  {"duplex", "full"},
                  {"ifalias", ""},
                  {"operstate", "up"}}) == 1);
  CHECK(value_of(families, "node_network_address_assign_type", eth0) == 3);
  CHECK(value_of(families, "node_network_carrier_changes_total", eth0) == 2);
  CHECK(value_of(families, "node_network_carrier_up_changes_total", eth0) == 1);
  CHECK(value_of(families, "node_network_device_id", eth0) == 0x20);
  CHECK(value_of(families, "node_network_flags", eth0) == 0x1303);
  CHECK(value_of(families, "node_network_mtu_bytes", eth0) == 1500);
  CHECK(value_of(families, "node_network_speed_bytes", eth0) == 125000000);
  CHECK(value_of(families, "node_network_protocol_type", eth0) == 1);
  CHECK(value_of(families, "node_network_transmit_queue_length", eth0) == 1000);
  CHECK(value_of(families, "node_network_name_assign_type", eth0) == 2);
  CHECK(families.size() == 19);
  const auto* family = find_family(families, "node_network_carrier_changes_total");
  REQUIRE(family);
  CHECK(family->type == prometheus::MetricType::Counter);
  CHECK(family->help == "Network device property: carrier_changes_total");
}

TEST_CASE("netclass: unreadable attributes left out, plain files and ignored devices skipped") {
  TempTree tree;
  tree.write("sys/class/net/bonding_masters", "bond0\n");
  tree.write("sys/class/net/lo/operstate", "unknown\n");
  tree.write("sys/class/net/lo/mtu", "65536\n");
  tree.write("sys/class/net/lo/speed", "");  // the kernel refuses the read: no value
  tree.write("sys/class/net/eth1/speed", "-1\n");
  tree.write("sys/class/net/veth9/mtu", "1500\n");
  auto paths = tree.paths();
  paths.options.netclass_ignored_devices = "^veth";
  const auto families = collect(*make_netclass_collector(paths));
  CHECK(value_of(families, "node_network_up", {{"device", "lo"}}) == 0);
  CHECK(value_of(families, "node_network_mtu_bytes", {{"device", "lo"}}) == 65536);
  CHECK_FALSE(value_of(families, "node_network_speed_bytes", {{"device", "lo"}}));
  // node_exporter 1.5 keeps an unknown speed (-1) unless --collector.netclass.ignore-invalid-speed.
  CHECK(value_of(families, "node_network_speed_bytes", {{"device", "eth1"}}) == -125000);
  CHECK_FALSE(value_of(families, "node_network_up", {{"device", "bonding_masters"}}));
  CHECK_FALSE(value_of(families, "node_network_up", {{"device", "veth9"}}));
  CHECK(find_family(families, "node_network_up")->metric.size() == 2);
}

namespace {

// The machine's own /sys, under `root`: "/sys" itself, or another spelling of it, which netclass
// reads as files alone, as it would a fixture tree.
Paths host_sysfs(const std::filesystem::path& root) {
  Paths paths;
  paths.sysfs = root;
  return paths;
}

std::string text_of(const Collector& collector) {
  std::string text;
  Exposition out(text);
  collector.collect(out);
  return text;
}

}  // namespace

TEST_CASE("netclass: on the host's /sys, rtnetlink's answers are sysfs's, refusals included") {
  const auto with_rtnetlink = make_netclass_collector(host_sysfs("/sys"));
  const auto sysfs_alone = make_netclass_collector(host_sysfs("/proc/self/root/sys"));
  // A counter may move between the two reads (a link going down): a few tries.
  std::string expected, got;
  for (int attempt = 0; attempt < 3 && (got.empty() || got != expected); ++attempt) {
    got = text_of(*with_rtnetlink);
    expected = text_of(*sysfs_alone);
  }
  REQUIRE_FALSE(expected.empty());
  CHECK(got == expected);
}

TEST_CASE("netclass: on the host's /sys, six sysfs reads per interface, the rest from rtnetlink") {
  const auto collector = make_netclass_collector(host_sysfs("/sys"));
  const auto families = collect(*collector);  // opens and keeps the attributes' descriptors
  const auto* up = find_family(families, "node_network_up");
  REQUIRE(up);
  REQUIRE_FALSE(up->metric.empty());
  // addr_assign_type, dev_id, duplex, flags, name_assign_type, speed: 22 without rtnetlink.
  const auto interfaces = static_cast<long long>(up->metric.size());
  CHECK(reads_made([&] { text_of(*collector); }) <= 6 * interfaces);
}
