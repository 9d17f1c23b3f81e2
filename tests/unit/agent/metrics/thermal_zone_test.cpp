#include "agent/metrics/registry.h"
#include "unit/agent/metrics/procfs_fixtures.h"
#include "unit/agent/metrics/support.h"

using namespace sahab::agent;
using namespace sahab::agent::testing;

TEST_CASE("thermal_zone: zone temperatures in Celsius, cooling device states") {
  const auto families = collect(*make_thermal_zone_collector(procfs_fixture_paths()));
  CHECK(value_of(families, "node_thermal_zone_temp",
                 {{"zone", "0"}, {"type", "bcm2835_thermal"}}) == doctest::Approx(49.925));
  CHECK(value_of(families, "node_thermal_zone_temp", {{"zone", "1"}, {"type", "acpitz"}}) == -44);
  CHECK(value_of(families, "node_cooling_device_cur_state",
                 {{"name", "0"}, {"type", "Processor"}}) == 0);
  CHECK(value_of(families, "node_cooling_device_max_state",
                 {{"name", "0"}, {"type", "Processor"}}) == 50);
  CHECK(value_of(families, "node_cooling_device_cur_state",
                 {{"name", "1"}, {"type", "intel_powerclamp"}}) == -1);
  CHECK(families.size() == 3);
  TempTree tree;
  CHECK(no_data(*make_thermal_zone_collector(tree.paths())));
}

TEST_CASE(
    "thermal_zone: no zone nor cooling device is success and nothing, looked for again later") {
  TempTree tree;
  std::filesystem::create_directories(tree.paths().sys("class/thermal"));
  CHECK(found_nothing(*make_thermal_zone_collector(tree.paths())));
}
