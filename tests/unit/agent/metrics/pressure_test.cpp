#include "agent/metrics/registry.h"
#include "unit/agent/metrics/procfs_fixtures.h"
#include "unit/agent/metrics/support.h"

using namespace sahab::agent;
using namespace sahab::agent::testing;

TEST_CASE("pressure: some and full totals in seconds, no full series for the CPU") {
  const auto families = collect(*make_pressure_collector(procfs_fixture_paths()));
  CHECK(value_of(families, "node_pressure_cpu_waiting_seconds_total") == doctest::Approx(15e-6));
  CHECK(value_of(families, "node_pressure_io_waiting_seconds_total") == doctest::Approx(15e-6));
  CHECK(value_of(families, "node_pressure_io_stalled_seconds_total") == doctest::Approx(25e-6));
  CHECK(value_of(families, "node_pressure_memory_waiting_seconds_total") == doctest::Approx(15e-6));
  CHECK(value_of(families, "node_pressure_memory_stalled_seconds_total") == doctest::Approx(25e-6));
  CHECK_FALSE(find_family(families, "node_pressure_cpu_stalled_seconds_total"));
  CHECK(families.size() == 5);
  const auto* family = find_family(families, "node_pressure_io_stalled_seconds_total");
  REQUIRE(family);
  CHECK(family->type == prometheus::MetricType::Counter);
  CHECK(family->help ==
        "Total time in seconds no process could make progress due to IO congestion");
}

TEST_CASE("pressure: a kernel without PSI has no data, a malformed file is an error") {
  TempTree tree;
  CHECK(no_data(*make_pressure_collector(tree.paths())));
  for (const char* resource : {"cpu", "io", "memory"}) {
    tree.write(std::string("proc/pressure/") + resource, "some avg10=0.00 avg60=0.00\n");
  }
  CHECK_THROWS_WITH(collect(*make_pressure_collector(tree.paths())),
                    doctest::Contains("no 'some ... total='"));
}
