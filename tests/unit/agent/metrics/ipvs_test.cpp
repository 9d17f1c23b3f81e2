#include "agent/metrics/registry.h"
#include "unit/agent/metrics/procfs_fixtures.h"
#include "unit/agent/metrics/support.h"

using namespace sahab::agent;
using namespace sahab::agent::testing;

TEST_CASE("ipvs: totals and backends with IPv4, IPv6 and firewall-mark services") {
  const auto families = collect(*make_ipvs_collector(procfs_fixture_paths()));
  CHECK(value_of(families, "node_ipvs_connections_total") == 23765872);
  CHECK(value_of(families, "node_ipvs_incoming_bytes_total") == 89991519156915.0);
  CHECK(value_of(families, "node_ipvs_backend_connections_active",
                 {{"local_address", "192.168.0.57"},
                  {"local_port", "3306"},
                  {"remote_address", "192.168.82.21"},
                  {"proto", "TCP"}}) == 1499);
  CHECK(value_of(
            families, "node_ipvs_backend_weight",
            {{"local_address", "2620::1"}, {"remote_address", "2620::4"}, {"remote_port", "80"}}) ==
        1);
  CHECK(value_of(families, "node_ipvs_backend_connections_inactive",
                 {{"local_address", ""},
                  {"local_mark", "10001000"},
                  {"proto", "FWM"},
                  {"remote_address", "192.168.50.26"}}) == 1);
}

TEST_CASE("ipvs: fewer backend labels sum the backends that share them") {
  auto paths = procfs_fixture_paths();
  paths.options.ipvs_backend_labels = "local_port";
  const auto families = collect(*make_ipvs_collector(paths));
  // Every TCP/UDP service in the fixture listens on 3306 or 80, the FWM one on port 0.
  CHECK(value_of(families, "node_ipvs_backend_connections_active", {{"local_port", "3306"}}) ==
        248 * 3 + 1499 + 1498);
  CHECK(find_family(families, "node_ipvs_backend_weight")->metric[0].label.size() == 1);
  CHECK_THROWS_AS(ipvs_backend_labels("local_port,colour"), std::invalid_argument);
  TempTree tree;
  CHECK(no_data(*make_ipvs_collector(tree.paths())));
}
