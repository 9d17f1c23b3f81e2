#include "agent/metrics/registry.h"
#include "unit/agent/metrics/procfs_fixtures.h"
#include "unit/agent/metrics/support.h"

using namespace sahab::agent;
using namespace sahab::agent::testing;

TEST_CASE("schedstat: running and waiting seconds and timeslices per CPU") {
  const auto families = collect(*make_schedstat_collector(procfs_fixture_paths()));
  CHECK(value_of(families, "node_schedstat_running_seconds_total", {{"cpu", "0"}}) ==
        doctest::Approx(2045936.778163039));
  CHECK(value_of(families, "node_schedstat_waiting_seconds_total", {{"cpu", "1"}}) ==
        doctest::Approx(364107.263788241));
  CHECK(value_of(families, "node_schedstat_timeslices_total", {{"cpu", "1"}}) == 5145567945);
  REQUIRE(find_family(families, "node_schedstat_timeslices_total"));
  CHECK(find_family(families, "node_schedstat_timeslices_total")->metric.size() == 2);
}

TEST_CASE("schedstat: no file is no data, a short cpu line is an error") {
  TempTree tree;
  CHECK(no_data(*make_schedstat_collector(tree.paths())));
  tree.write("proc/schedstat", "version 15\ncpu0 1 2 3\n");
  CHECK_THROWS_AS(collect(*make_schedstat_collector(tree.paths())), CollectorError);
}
