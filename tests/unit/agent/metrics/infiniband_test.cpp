#include "agent/metrics/registry.h"
#include "unit/agent/metrics/procfs_fixtures.h"
#include "unit/agent/metrics/support.h"

using namespace sahab::agent;
using namespace sahab::agent::testing;

TEST_CASE("infiniband: adapter info, port state and rate, counters with data in bytes") {
  const auto families = collect(*make_infiniband_collector(procfs_fixture_paths()));
  const std::vector<std::pair<std::string, std::string>> hfi = {{"device", "hfi1_0"},
                                                                {"port", "1"}};
  CHECK(
      value_of(families, "node_infiniband_info",
               {{"device", "mlx4_0"}, {"firmware_version", "2.31.5050"}, {"hca_type", "MT4099"}}) ==
      1);
  CHECK(value_of(families, "node_infiniband_info", {{"device", "hfi1_0"}, {"hca_type", ""}}) == 1);
  CHECK(value_of(families, "node_infiniband_state_id", hfi) == 4);
  CHECK(value_of(families, "node_infiniband_physical_state_id", hfi) == 5);
  CHECK(value_of(families, "node_infiniband_rate_bytes_per_second", hfi) == 12.5e9);
  // port_rcv_data counts 4-byte words.
  CHECK(value_of(families, "node_infiniband_port_data_received_bytes_total", hfi) ==
        345091702026.0 * 4);
  CHECK(value_of(families, "node_infiniband_port_transmit_wait_total",
                 {{"device", "mlx4_0"}, {"port", "1"}}) == 3599);
  CHECK(find_family(families, "node_infiniband_state_id")->metric.size() == 3);
  TempTree tree;
  CHECK(no_data(*make_infiniband_collector(tree.paths())));
}
