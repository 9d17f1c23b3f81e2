#include "agent/metrics/registry.h"
#include "unit/agent/metrics/procfs_fixtures.h"
#include "unit/agent/metrics/support.h"

using namespace sahab::agent;
using namespace sahab::agent::testing;

TEST_CASE("cpufreq: frequencies in hertz per CPU, through the policy symlink too") {
  const auto families = collect(*make_cpufreq_collector(procfs_fixture_paths()));
  CHECK(value_of(families, "node_cpu_frequency_hertz", {{"cpu", "1"}}) == 1200195e3);
  // cpu0's cpufreq is a symlink to cpufreq/policy0, which has no cpuinfo_cur_freq (root only).
  CHECK_FALSE(value_of(families, "node_cpu_frequency_hertz", {{"cpu", "0"}}));
  CHECK(value_of(families, "node_cpu_frequency_max_hertz", {{"cpu", "0"}}) == 2400000e3);
  CHECK(value_of(families, "node_cpu_frequency_min_hertz", {{"cpu", "1"}}) == 1200000e3);
  CHECK(value_of(families, "node_cpu_scaling_frequency_hertz", {{"cpu", "0"}}) == 1219917e3);
  CHECK(value_of(families, "node_cpu_scaling_frequency_max_hertz", {{"cpu", "1"}}) == 3300000e3);
  CHECK(value_of(families, "node_cpu_scaling_frequency_min_hertz", {{"cpu", "0"}}) == 800000e3);
  const auto* family = find_family(families, "node_cpu_scaling_frequency_hertz");
  REQUIRE(family);
  CHECK(family->help == "Current scaled CPU thread frequency in hertz.");
}

TEST_CASE("cpufreq: a virtual machine without cpufreq reports nothing, without error") {
  TempTree tree;
  tree.write("sys/devices/system/cpu/cpu0/topology/core_id", "0\n");
  CHECK(collect(*make_cpufreq_collector(tree.paths())).empty());
  CHECK(found_nothing(*make_cpufreq_collector(tree.paths())));  // looked for again in a while
}
