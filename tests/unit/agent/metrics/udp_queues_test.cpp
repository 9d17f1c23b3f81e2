#include "agent/metrics/registry.h"
#include "unit/agent/metrics/procfs_fixtures.h"
#include "unit/agent/metrics/support.h"

using namespace sahab::agent;
using namespace sahab::agent::testing;

TEST_CASE("udp_queues: queued bytes summed per IP version and direction") {
  const auto families = collect(*make_udp_queues_collector(procfs_fixture_paths()));
  CHECK(value_of(families, "node_udp_queues", {{"ip", "v4"}, {"queue", "tx"}}) == 2);
  CHECK(value_of(families, "node_udp_queues", {{"ip", "v4"}, {"queue", "rx"}}) == 2);
  CHECK(value_of(families, "node_udp_queues", {{"ip", "v6"}, {"queue", "tx"}}) == 0);
  CHECK(value_of(families, "node_udp_queues", {{"ip", "v6"}, {"queue", "rx"}}) == 0);
  REQUIRE(find_family(families, "node_udp_queues"));
  CHECK(find_family(families, "node_udp_queues")->metric.size() == 4);
}

TEST_CASE("udp_queues: IPv6 disabled leaves out v6, no file is no data, garbage is an error") {
  TempTree tree;
  CHECK(no_data(*make_udp_queues_collector(tree.paths())));
  tree.write("proc/net/udp",
             "  sl  local_address rem_address   st tx_queue rx_queue\n"
             "   0: 0500000A:0016 00000000:0000 07 00000010:00000020 00:00000000 00000000\n");
  const auto families = collect(*make_udp_queues_collector(tree.paths()));
  CHECK(value_of(families, "node_udp_queues", {{"ip", "v4"}, {"queue", "rx"}}) == 0x20);
  CHECK_FALSE(value_of(families, "node_udp_queues", {{"ip", "v6"}}));
  tree.write("proc/net/udp", "header\n   0: 0500000A:0016\n");
  CHECK_THROWS_WITH_AS(collect(*make_udp_queues_collector(tree.paths())),
                       doctest::Contains("udp:2: not a socket line"), CollectorError);
}

TEST_CASE("udp_queues: a table there but unreadable is an error, not an absent one") {
  TempTree tree;
  std::filesystem::create_directories(tree.base / "proc/net/udp");  // read(2) answers EISDIR
  CHECK_THROWS_WITH_AS(collect(*make_udp_queues_collector(tree.paths())),
                       doctest::Contains("cannot read"), CollectorError);
}
