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
