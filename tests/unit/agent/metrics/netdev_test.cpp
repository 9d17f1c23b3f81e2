#include "agent/metrics/registry.h"
#include "unit/agent/metrics/support.h"

using namespace sahab::agent;
using namespace sahab::agent::testing;

TEST_CASE("netdev: node_exporter names per /proc/net/dev column, loopback left out") {
  const auto families = collect(*make_netdev_collector(fixture_paths()));
  CHECK(value_of(families, "node_network_receive_bytes_total", {{"device", "eno1"}}) ==
        doctest::Approx(48211930112.0));
  CHECK(value_of(families, "node_network_receive_drop_total", {{"device", "eno1"}}) == 127);
  CHECK(value_of(families, "node_network_receive_multicast_total", {{"device", "eno1"}}) == 412905);
  CHECK(value_of(families, "node_network_transmit_bytes_total", {{"device", "eno1"}}) ==
        doctest::Approx(9912345678.0));
  CHECK(value_of(families, "node_network_transmit_carrier_total", {{"device", "eno1"}}) == 1);
  CHECK(value_of(families, "node_network_transmit_drop_total", {{"device", "docker0"}}) == 5);
  CHECK(value_of(families, "node_network_receive_packets_total", {{"device", "veth3f1a2b0"}}) ==
        1021);
  // Fields that exist in one direction only, as in the kernel's header.
  CHECK(find_family(families, "node_network_receive_frame_total"));
  CHECK(find_family(families, "node_network_transmit_colls_total"));
  CHECK_FALSE(find_family(families, "node_network_transmit_frame_total"));
  CHECK_FALSE(find_family(families, "node_network_receive_colls_total"));
  // receive_nohandler comes from sysfs (node_exporter gets it over netlink); veth3f1a2b0 has no
  // sysfs file in the fixture, so no series.
  CHECK(value_of(families, "node_network_receive_nohandler_total", {{"device", "eno1"}}) == 17);
  CHECK(find_family(families, "node_network_receive_nohandler_total")->metric.size() == 2);
  CHECK(families.size() == 17);
  // Debian's node_exporter default --collector.netdev.device-exclude=^lo$.
  CHECK_FALSE(value_of(families, "node_network_receive_bytes_total", {{"device", "lo"}}));
  const auto* bytes = find_family(families, "node_network_receive_bytes_total");
  REQUIRE(bytes);
  CHECK(bytes->type == prometheus::MetricType::Counter);
  CHECK(bytes->help == "Network device statistic receive_bytes.");
  CHECK(bytes->metric.size() == 3);
}

TEST_CASE("netdev: the device exclusion is configurable, and empty means none") {
  auto paths = fixture_paths();
  paths.options.netdev_device_exclude = "^(lo|veth.*)$";
  auto families = collect(*make_netdev_collector(paths));
  CHECK(find_family(families, "node_network_receive_bytes_total")->metric.size() == 2);
  paths.options.netdev_device_exclude = "";
  families = collect(*make_netdev_collector(paths));
  CHECK(value_of(families, "node_network_receive_bytes_total", {{"device", "lo"}}) == 8345120);
}

TEST_CASE("netdev: a truncated line or a missing file is an error, not a crash") {
  CHECK_THROWS_WITH_AS(collect(*make_netdev_collector(fixture_paths("broken"))),
                       doctest::Contains("dev:3: expected 16 numbers"), CollectorError);
  CHECK_THROWS(collect(*make_netdev_collector(fixture_paths("absent"))));
}
