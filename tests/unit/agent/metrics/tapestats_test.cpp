#include "agent/metrics/registry.h"
#include "unit/agent/metrics/procfs_fixtures.h"
#include "unit/agent/metrics/support.h"

using namespace sahab::agent;
using namespace sahab::agent::testing;

TEST_CASE("tapestats: drive statistics, aliases left out, nanoseconds as seconds") {
  const auto families = collect(*make_tapestats_collector(procfs_fixture_paths()));
  CHECK(value_of(families, "node_tape_io_now", {{"device", "st0"}}) == 1);
  CHECK(value_of(families, "node_tape_io_time_seconds_total", {{"device", "st0"}}) ==
        doctest::Approx(9247.01108772));
  CHECK(value_of(families, "node_tape_writes_completed_total", {{"device", "st0"}}) == 53772916);
  CHECK(value_of(families, "node_tape_residual_total", {{"device", "st0"}}) == 19);
  CHECK(families.size() == 10);
  CHECK(find_family(families, "node_tape_io_now")->metric.size() == 1);  // not nst0, st0a...
  auto paths = procfs_fixture_paths();
  paths.options.tapestats_ignored_devices = "^st0$";
  CHECK(collect(*make_tapestats_collector(paths)).empty());
}
