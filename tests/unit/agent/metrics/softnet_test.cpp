#include "agent/metrics/registry.h"
#include "unit/agent/metrics/procfs_fixtures.h"
#include "unit/agent/metrics/support.h"

using namespace sahab::agent;
using namespace sahab::agent::testing;

TEST_CASE("softnet: per-CPU processed, dropped and squeezed counters from hexadecimal") {
  const auto families = collect(*make_softnet_collector(procfs_fixture_paths()));
  CHECK(value_of(families, "node_softnet_processed_total", {{"cpu", "0"}}) == 0x15c73);
  CHECK(value_of(families, "node_softnet_dropped_total", {{"cpu", "0"}}) == 0x20e76);
  CHECK(value_of(families, "node_softnet_times_squeezed_total", {{"cpu", "0"}}) == 0xF0000769);
  CHECK(value_of(families, "node_softnet_processed_total", {{"cpu", "1"}}) == 0x01663fb2);
  CHECK(value_of(families, "node_softnet_times_squeezed_total", {{"cpu", "1"}}) == 0x109a4);
  CHECK(families.size() == 3);
  REQUIRE(find_family(families, "node_softnet_dropped_total"));
  CHECK(find_family(families, "node_softnet_dropped_total")->metric.size() == 2);
  TempTree tree;
  tree.write("proc/net/softnet_stat", "00015c73 zz 00000000\n");
  CHECK_THROWS_AS(collect(*make_softnet_collector(tree.paths())), CollectorError);
}
