#include "agent/metrics/registry.h"
#include "unit/agent/metrics/procfs_fixtures.h"
#include "unit/agent/metrics/support.h"

using namespace sahab::agent;
using namespace sahab::agent::testing;

TEST_CASE("powersupplyclass: battery and AC values in node_exporter's units, info labels") {
  const auto families = collect(*make_powersupplyclass_collector(procfs_fixture_paths()));
  const std::vector<std::pair<std::string, std::string>> bat = {{"power_supply", "BAT0"}};
  CHECK(value_of(families, "node_power_supply_online", {{"power_supply", "AC"}}) == 0);
  CHECK(value_of(families, "node_power_supply_capacity", bat) == 98);
  CHECK(value_of(families, "node_power_supply_energy_full", bat) == doctest::Approx(50.06));
  CHECK(value_of(families, "node_power_supply_energy_watthour", bat) == doctest::Approx(49.45));
  CHECK(value_of(families, "node_power_supply_voltage_volt", bat) == doctest::Approx(12.229));
  CHECK(value_of(families, "node_power_supply_power_watt", bat) == doctest::Approx(4.83));
  CHECK(value_of(families, "node_power_supply_info",
                 {{"power_supply", "BAT0"},
                  {"status", "Discharging"},
                  {"technology", "Li-ion"},
                  {"model_name", "LNV-45N1"},
                  {"type", "Battery"}}) == 1);
  CHECK(find_family(families, "node_power_supply_info")->metric.size() == 2);
  CHECK(find_family(families, "node_power_supply_capacity")->help ==
        "capacity value of /sys/class/power_supply/<power_supply>.");

  auto paths = procfs_fixture_paths();
  paths.options.powersupply_ignored_supplies = "^BAT";
  const auto ac_only = collect(*make_powersupplyclass_collector(paths));
  CHECK(find_family(ac_only, "node_power_supply_info")->metric.size() == 1);
  TempTree tree;
  CHECK(no_data(*make_powersupplyclass_collector(tree.paths())));
}

TEST_CASE("powersupplyclass: no supply is success and nothing, looked for again later") {
  TempTree tree;
  std::filesystem::create_directories(tree.paths().sys("class/power_supply"));
  CHECK(found_nothing(*make_powersupplyclass_collector(tree.paths())));
}
