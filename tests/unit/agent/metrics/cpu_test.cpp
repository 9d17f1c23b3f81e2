#include "agent/metrics/registry.h"
#include "unit/agent/metrics/support.h"

using namespace sahab::agent;
using namespace sahab::agent::testing;

TEST_CASE("cpu: seconds per cpu and mode from /proc/stat ticks") {
  const auto families = collect(*make_cpu_collector(fixture_paths()));
  CHECK(value_of(families, "node_cpu_seconds_total", {{"cpu", "0"}, {"mode", "user"}}) ==
        doctest::Approx(444.90));
  CHECK(value_of(families, "node_cpu_seconds_total", {{"cpu", "1"}, {"mode", "idle"}}) ==
        doctest::Approx(11107.87));
  CHECK(value_of(families, "node_cpu_seconds_total", {{"cpu", "0"}, {"mode", "softirq"}}) ==
        doctest::Approx(34.10));
  CHECK(value_of(families, "node_cpu_guest_seconds_total", {{"cpu", "1"}, {"mode", "user"}}) ==
        doctest::Approx(0));
  // 2 cpus x 8 modes, and no "cpu" total line.
  CHECK(find_family(families, "node_cpu_seconds_total")->metric.size() == 16);
}

TEST_CASE("cpu: a malformed or missing /proc/stat is an error, not a crash") {
  CHECK_THROWS_AS(collect(*make_cpu_collector(fixture_paths("broken"))), CollectorError);
  CHECK_THROWS(collect(*make_cpu_collector(fixture_paths("absent"))));
}
