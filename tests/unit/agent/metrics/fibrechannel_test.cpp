#include "agent/metrics/registry.h"
#include "unit/agent/metrics/procfs_fixtures.h"
#include "unit/agent/metrics/support.h"

using namespace sahab::agent;
using namespace sahab::agent::testing;

TEST_CASE("fibrechannel: host info without 0x prefixes, hexadecimal counters") {
  const auto families = collect(*make_fibrechannel_collector(procfs_fixture_paths()));
  CHECK(value_of(families, "node_fibrechannel_info",
                 {{"fc_host", "host0"},
                  {"port_name", "1000e0071bce95f2"},
                  {"port_id", "000002"},
                  {"fabric_name", "0"},
                  {"port_state", "Online"},
                  {"speed", "16 Gbit"}}) == 1);
  CHECK(value_of(families, "node_fibrechannel_tx_frames_total", {{"fc_host", "host0"}}) == 5);
  CHECK(value_of(families, "node_fibrechannel_fcp_packet_aborts_total", {{"fc_host", "host0"}}) ==
        19);
  CHECK(value_of(families, "node_fibrechannel_seconds_since_last_reset_total",
                 {{"fc_host", "host0"}}) == 7);
  CHECK(families.size() == 14);
  TempTree tree;
  CHECK(no_data(*make_fibrechannel_collector(tree.paths())));
}
