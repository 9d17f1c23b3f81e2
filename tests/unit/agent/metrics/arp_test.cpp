#include "agent/metrics/registry.h"
#include "unit/agent/metrics/procfs_fixtures.h"
#include "unit/agent/metrics/support.h"

using namespace sahab::agent;
using namespace sahab::agent::testing;

TEST_CASE("arp: entries counted per device") {
  const auto families = collect(*make_arp_collector(procfs_fixture_paths()));
  CHECK(value_of(families, "node_arp_entries", {{"device", "ens33"}}) == 2);
  REQUIRE(find_family(families, "node_arp_entries"));
  CHECK(find_family(families, "node_arp_entries")->metric.size() == 1);
  CHECK(find_family(families, "node_arp_entries")->help == "ARP entries by device");
  TempTree tree;
  tree.write("proc/net/arp", "IP address HW type Flags HW address Mask Device\n10.0.0.1 0x1\n");
  CHECK_THROWS_AS(collect(*make_arp_collector(tree.paths())), CollectorError);
}
