#include "agent/metrics/registry.h"
#include "unit/agent/metrics/support.h"

using namespace sahab::agent;
using namespace sahab::agent::testing;

TEST_CASE("hwmon: chips named by device path, sensors in node_exporter's units and names") {
  const auto families = collect(*make_hwmon_collector(fixture_paths()));
  const std::pair<std::string, std::string> coretemp = {"chip", "platform_coretemp_0"};
  const std::pair<std::string, std::string> nct = {"chip", "platform_nct6775_656"};
  CHECK(value_of(families, "node_hwmon_chip_names", {coretemp, {"chip_name", "coretemp"}}) == 1);
  CHECK(value_of(families, "node_hwmon_chip_names", {nct, {"chip_name", "nct6779"}}) == 1);
  CHECK(value_of(families, "node_hwmon_temp_celsius", {coretemp, {"sensor", "temp1"}}) == 45);
  CHECK(value_of(families, "node_hwmon_temp_crit_celsius", {coretemp, {"sensor", "temp1"}}) == 100);
  // crit_alarm is not "alarm": it keeps the unit, as node_exporter's name for it does.
  CHECK(value_of(families, "node_hwmon_temp_crit_alarm_celsius", {coretemp, {"sensor", "temp1"}}) ==
        0);
  CHECK(value_of(families, "node_hwmon_sensor_label",
                 {coretemp, {"sensor", "temp1"}, {"label", "Package id 0"}}) == 1);
  CHECK(value_of(families, "node_hwmon_fan_rpm", {nct, {"sensor", "fan1"}}) == 1205);
  CHECK(value_of(families, "node_hwmon_fan_min_rpm", {nct, {"sensor", "fan1"}}) == 300);
  CHECK(value_of(families, "node_hwmon_fan_alarm", {nct, {"sensor", "fan1"}}) == 0);
  CHECK(value_of(families, "node_hwmon_in_volts", {nct, {"sensor", "in0"}}) ==
        doctest::Approx(1.056));
  CHECK(value_of(families, "node_hwmon_pwm", {nct, {"sensor", "pwm1"}}) == 128);
  CHECK(value_of(families, "node_hwmon_pwm_enable", {nct, {"sensor", "pwm1"}}) == 2);
  CHECK(value_of(families, "node_hwmon_power_average_watt", {nct, {"sensor", "power1"}}) ==
        doctest::Approx(36.5));
  CHECK(value_of(families, "node_hwmon_curr_amps", {nct, {"sensor", "curr1"}}) ==
        doctest::Approx(1.5));
  CHECK(value_of(families, "node_hwmon_beep_enabled", {nct, {"sensor", "beep_enable0"}}) == 1);
  CHECK(value_of(families, "node_hwmon_intrusion_alarm", {nct, {"sensor", "intrusion0"}}) == 0);
  const auto* family = find_family(families, "node_hwmon_temp_celsius");
  REQUIRE(family);
  CHECK(family->help == "Hardware monitor for temperature (input)");
  CHECK(family->metric.size() == 2);
}

TEST_CASE("hwmon: without /sys/class/hwmon there is no data, and a chip with no device") {
  TempTree tree;
  CHECK(no_data(*make_hwmon_collector(tree.paths())));
  tree.write("sys/class/hwmon/hwmon0/name", "acpitz\n");
  tree.write("sys/class/hwmon/hwmon0/temp1_input", "27800\n");
  tree.write("sys/class/hwmon/hwmon0/temp1_label", "\n");
  tree.write("sys/class/hwmon/hwmon0/temp1_crit", "not a number\n");
  const auto families = collect(*make_hwmon_collector(tree.paths()));
  CHECK(value_of(families, "node_hwmon_temp_celsius", {{"chip", "acpitz"}, {"sensor", "temp1"}}) ==
        doctest::Approx(27.8));
  CHECK_FALSE(find_family(families, "node_hwmon_temp_crit_celsius"));
}
