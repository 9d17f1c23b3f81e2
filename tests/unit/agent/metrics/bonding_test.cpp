#include "agent/metrics/registry.h"
#include "unit/agent/metrics/support.h"

using namespace sahab::agent;
using namespace sahab::agent::testing;

TEST_CASE("bonding: configured and active slaves per master") {
  const auto families = collect(*make_bonding_collector(fixture_paths()));
  CHECK(value_of(families, "node_bonding_slaves", {{"master", "bond0"}}) == 2);
  CHECK(value_of(families, "node_bonding_active", {{"master", "bond0"}}) == 1);
}

TEST_CASE("bonding: older kernels' slave_ links, no driver is no data") {
  TempTree tree;
  CHECK(no_data(*make_bonding_collector(tree.paths())));
  tree.write("sys/class/net/bonding_masters", "bond0 bond1\n");
  tree.write("sys/class/net/bond0/bonding/slaves", "eth0\n");
  tree.write("sys/class/net/bond0/slave_eth0/bonding_slave/mii_status", "up\n");
  tree.write("sys/class/net/bond1/bonding/slaves", "\n");
  const auto families = collect(*make_bonding_collector(tree.paths()));
  CHECK(value_of(families, "node_bonding_active", {{"master", "bond0"}}) == 1);
  CHECK(value_of(families, "node_bonding_slaves", {{"master", "bond1"}}) == 0);
}
