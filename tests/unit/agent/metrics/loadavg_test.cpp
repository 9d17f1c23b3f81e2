#include "agent/metrics/registry.h"
#include "unit/agent/metrics/support.h"

using namespace sahab::agent;
using namespace sahab::agent::testing;

TEST_CASE("loadavg: three gauges") {
  const auto families = collect(*make_loadavg_collector(fixture_paths()));
  CHECK(value_of(families, "node_load1") == doctest::Approx(0.21));
  CHECK(value_of(families, "node_load5") == doctest::Approx(0.37));
  CHECK(value_of(families, "node_load15") == doctest::Approx(0.39));
}

TEST_CASE("loadavg: truncated file is an error") {
  CHECK_THROWS_AS(collect(*make_loadavg_collector(fixture_paths("broken"))), CollectorError);
}
