#include <unistd.h>

#include "agent/metrics/registry.h"
#include "unit/agent/metrics/procfs_fixtures.h"
#include "unit/agent/metrics/support.h"

using namespace sahab::agent;
using namespace sahab::agent::testing;

TEST_CASE("sockstat: IPv4 and IPv6 socket counts, memory in pages and bytes") {
  const auto families = collect(*make_sockstat_collector(procfs_fixture_paths()));
  const double page = static_cast<double>(::sysconf(_SC_PAGESIZE));
  CHECK(value_of(families, "node_sockstat_sockets_used") == 1602);
  CHECK(value_of(families, "node_sockstat_TCP_inuse") == 35);
  CHECK(value_of(families, "node_sockstat_TCP_orphan") == 0);
  CHECK(value_of(families, "node_sockstat_TCP_tw") == 4);
  CHECK(value_of(families, "node_sockstat_TCP_alloc") == 59);
  CHECK(value_of(families, "node_sockstat_TCP_mem") == 22);
  CHECK(value_of(families, "node_sockstat_TCP_mem_bytes") == 22 * page);
  CHECK(value_of(families, "node_sockstat_UDP_mem_bytes") == 62 * page);
  CHECK(value_of(families, "node_sockstat_FRAG_memory") == 0);
  CHECK_FALSE(find_family(families, "node_sockstat_FRAG_memory_bytes"));
  CHECK(value_of(families, "node_sockstat_TCP6_inuse") == 17);
  CHECK(value_of(families, "node_sockstat_RAW6_inuse") == 1);
  CHECK(value_of(families, "node_sockstat_FRAG6_memory") == 0);
  CHECK(families.size() == 20);
  const auto* family = find_family(families, "node_sockstat_TCP_tw");
  REQUIRE(family);
  CHECK(family->help == "Number of TCP sockets in state tw.");
  CHECK(family->type == prometheus::MetricType::Gauge);
}

TEST_CASE("sockstat: IPv6 disabled is not an error, no file at all is no data") {
  TempTree tree;
  CHECK(no_data(*make_sockstat_collector(tree.paths())));
  tree.write("proc/net/sockstat", "sockets: used 3\nTCP: inuse 1 orphan 0 tw 0 alloc 1 mem 2\n");
  CHECK(collect(*make_sockstat_collector(tree.paths())).size() == 7);
  tree.write("proc/net/sockstat", "TCP: inuse\n");
  CHECK_THROWS_AS(collect(*make_sockstat_collector(tree.paths())), CollectorError);
}
