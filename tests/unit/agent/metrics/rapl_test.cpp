#include "agent/metrics/registry.h"
#include "unit/agent/metrics/procfs_fixtures.h"
#include "unit/agent/metrics/support.h"

using namespace sahab::agent;
using namespace sahab::agent::testing;

TEST_CASE("rapl: joules per zone, index from the zone name or its rank") {
  const auto paths = procfs_fixture_paths();
  const auto families = collect(*make_rapl_collector(paths));
  const auto powercap = paths.sysfs / "class/powercap";
  CHECK(value_of(families, "node_rapl_package_joules_total",
                 {{"index", "0"}, {"path", (powercap / "intel-rapl:0").string()}}) ==
        doctest::Approx(240422.366267));
  CHECK(value_of(families, "node_rapl_package_joules_total",
                 {{"index", "10"}, {"path", (powercap / "intel-rapl:a").string()}}) ==
        doctest::Approx(240422.366267));
  CHECK(value_of(families, "node_rapl_core_joules_total", {{"index", "0"}}) ==
        doctest::Approx(118821.284256));
  CHECK(families.size() == 2);
  CHECK(find_family(families, "node_rapl_core_joules_total")->type ==
        prometheus::MetricType::Counter);
  TempTree tree;
  CHECK(no_data(*make_rapl_collector(tree.paths())));
  tree.write("sys/class/powercap/intel-rapl:0/name", "package-0\n");  // energy_uj unreadable
  CHECK(no_data(*make_rapl_collector(tree.paths())));
}
